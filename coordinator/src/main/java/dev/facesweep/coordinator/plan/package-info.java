/**
 * From scores to a plan: what apply will do with each face set.
 *
 * <ul>
 *   <li>{@link dev.facesweep.coordinator.plan.PlanBuilder}: the brief's rules, pure (feed it
 *       {@link dev.facesweep.coordinator.plan.PlanImage}s, made up in tests or adapted from the scan store).</li>
 *   <li>{@link dev.facesweep.coordinator.plan.Plan}, {@link dev.facesweep.coordinator.plan.FacesetPlan},
 *       {@link dev.facesweep.coordinator.plan.Thresholds}, {@link dev.facesweep.coordinator.plan.Overrides}: the
 *       plan model; {@link dev.facesweep.coordinator.plan.PlanJson} reads and writes plan.json and overrides
 *       files.</li>
 * </ul>
 */
package dev.facesweep.coordinator.plan;
