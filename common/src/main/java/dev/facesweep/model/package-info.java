/**
 * CLIP model bundles and their ONNX Runtime sessions.
 *
 * <ul>
 *   <li>{@link dev.facesweep.model.ModelBundle#load} reads and checks a bundle folder (Immich-compatible layout)
 *       and derives its ids.</li>
 *   <li>{@link dev.facesweep.model.SessionConfigurer} is the only difference between CPU and accelerator workers:
 *       it sets provider, threads, optimisation and an optional fixed batch on the session options, and reports
 *       the provider actually in use. {@link dev.facesweep.model.CpuSessionConfigurer} is the CPU one.</li>
 *   <li>{@link dev.facesweep.model.ClipModel} owns the two sessions, reads names, element types and the batch
 *       dimension from them, runs batches (padding the last one for fixed-batch sessions) and returns
 *       L2-normalised embeddings.</li>
 *   <li>{@link dev.facesweep.model.BundleValidator} runs a full check for {@code model check} and returns a
 *       {@link dev.facesweep.model.ModelInfo}.</li>
 * </ul>
 */
package dev.facesweep.model;
