package dev.facesweep.coordinator.serve;

import dev.facesweep.coordinator.plan.Force;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanFormatException;
import dev.facesweep.coordinator.plan.PlanJson;
import dev.facesweep.coordinator.plan.Thresholds;
import dev.facesweep.coordinator.review.ContactSheet;
import dev.facesweep.coordinator.review.PlanPreview;
import dev.facesweep.coordinator.review.ReviewException;
import dev.facesweep.coordinator.review.ReviewWorkspace;
import dev.facesweep.coordinator.review.ThresholdOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The review REST API (JSON). Everything that changes state takes a JSON body ({@code Content-Type:
 * application/json}), so a foreign web page cannot trigger it with a plain form post; applying a plan also needs the
 * plan id typed back as confirmation.
 */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
class ReviewApi {

    private static final Logger log = LoggerFactory.getLogger(ReviewApi.class);

    private final ReviewWorkspace workspace;
    private final PlanApplier applier;

    ReviewApi(ReviewWorkspace workspace, PlanApplier applier) {
        this.workspace = workspace;
        this.applier = applier;
    }

    @GetMapping("/scans")
    List<ReviewWorkspace.ScanSummary> scans() {
        return workspace.scans();
    }

    /** A scan's face sets and images with their scores, statuses and the plan preview. */
    @GetMapping("/scans/{scanId}")
    ContactSheet scan(@PathVariable String scanId,
            @RequestParam(name = "image-threshold", required = false) Double image,
            @RequestParam(name = "faceset-fraction", required = false) Double fraction,
            @RequestParam(name = "min-survivors", required = false) Integer minSurvivors,
            @RequestParam(name = "near-band", required = false) Double nearBand,
            @RequestParam(name = "attribute-threshold", required = false) List<String> attributes) {
        return workspace.sheet(scanId, ThresholdOptions.of(image, fraction, minSurvivors, nearBand, attributes));
    }

    @GetMapping("/scans/{scanId}/plan-preview")
    PlanPreview preview(@PathVariable String scanId,
            @RequestParam(name = "image-threshold", required = false) Double image,
            @RequestParam(name = "faceset-fraction", required = false) Double fraction,
            @RequestParam(name = "min-survivors", required = false) Integer minSurvivors,
            @RequestParam(name = "near-band", required = false) Double nearBand,
            @RequestParam(name = "attribute-threshold", required = false) List<String> attributes) {
        return workspace.preview(scanId, ThresholdOptions.of(image, fraction, minSurvivors, nearBand, attributes));
    }

    @GetMapping(path = "/scans/{scanId}/thumbs/{sha256}", produces = MediaType.IMAGE_JPEG_VALUE)
    ResponseEntity<Resource> thumbnail(@PathVariable String scanId, @PathVariable String sha256) {
        Path file = workspace.thumbnail(scanId, sha256);
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePrivate().immutable())
                .contentType(MediaType.IMAGE_JPEG)
                .body(new FileSystemResource(file));
    }

    // ---------------------------------------------------------------- overrides

    @GetMapping("/scans/{scanId}/overrides")
    ObjectNode overrides(@PathVariable String scanId) {
        return PlanJson.overrides(workspace.overrides(scanId));
    }

    /** Replaces all overrides: {@code {"images": {"path": "keep"|"drop"}, "facesets": {"name": "keep"}}}. */
    @PutMapping(path = "/scans/{scanId}/overrides", consumes = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode replaceOverrides(@PathVariable String scanId, @RequestBody JsonNode body) {
        Overrides overrides;
        try {
            overrides = PlanJson.overridesFromJson(body, "request body");
        } catch (PlanFormatException e) {
            throw new ReviewException(ReviewException.Kind.BAD_REQUEST, e.getMessage(), e);
        }
        return PlanJson.overrides(workspace.replaceOverrides(scanId, overrides));
    }

    /** One image: {@code {"path": "faceset_001/faces/x.png", "force": "keep"|"drop"|null}} (null clears). */
    @PutMapping(path = "/scans/{scanId}/overrides/images", consumes = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode imageOverride(@PathVariable String scanId, @RequestBody ImageOverride body) {
        if (body.path() == null || body.path().isBlank()) {
            throw new ReviewException(ReviewException.Kind.BAD_REQUEST, "body needs \"path\": the image's path"
                    + " relative to the corpus root");
        }
        return PlanJson.overrides(workspace.setImageOverride(scanId, body.path(), force(body.force())));
    }

    /** One face set: {@code {"name": "faceset_001", "force": "keep"|null}} (null clears). */
    @PutMapping(path = "/scans/{scanId}/overrides/facesets", consumes = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode facesetOverride(@PathVariable String scanId, @RequestBody FacesetOverride body) {
        if (body.name() == null || body.name().isBlank()) {
            throw new ReviewException(ReviewException.Kind.BAD_REQUEST, "body needs \"name\": the face set's name");
        }
        return PlanJson.overrides(workspace.setFacesetOverride(scanId, body.name(), force(body.force())));
    }

    record ImageOverride(String path, String force) {
    }

    record FacesetOverride(String name, String force) {
    }

    private static Force force(String value) {
        if (value == null || value.isBlank() || value.equals("none")) {
            return null;
        }
        try {
            return Force.fromJson(value);
        } catch (IllegalArgumentException e) {
            throw new ReviewException(ReviewException.Kind.BAD_REQUEST, e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- plans

    /** Writes plan.json into the state folder from the thresholds given and the saved overrides. */
    @PostMapping("/scans/{scanId}/plans")
    ResponseEntity<Map<String, Object>> createPlan(@PathVariable String scanId,
            @RequestParam(name = "image-threshold", required = false) Double image,
            @RequestParam(name = "faceset-fraction", required = false) Double fraction,
            @RequestParam(name = "min-survivors", required = false) Integer minSurvivors,
            @RequestParam(name = "near-band", required = false) Double nearBand,
            @RequestParam(name = "attribute-threshold", required = false) List<String> attributes) {
        Thresholds thresholds = ThresholdOptions.of(image, fraction, minSurvivors, nearBand, attributes);
        ReviewWorkspace.CreatedPlan plan = workspace.createPlan(scanId, thresholds);
        log.info("plan {} of scan {} written to {}", plan.id(), scanId, plan.path());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plan", plan.id());
        body.put("scan", plan.scanId());
        body.put("path", plan.path().toString());
        body.put("counts", plan.counts());
        body.put("problems", plan.problems());
        body.put("apply", "./facesweep apply " + plan.path());
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }

    @GetMapping("/plans/{planId}")
    ObjectNode plan(@PathVariable String planId) {
        return PlanJson.toJson(workspace.plan(planId));
    }

    /**
     * Applies a plan made from the page. The body must be {@code {"confirm": "<plan id>"}}, the id typed by the user
     * in the confirmation dialog; anything else is refused with 400 and nothing happens.
     */
    @PostMapping(path = "/plans/{planId}/apply", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> apply(@PathVariable String planId, @RequestBody(required = false) JsonNode body) {
        Plan plan = workspace.plan(planId);
        JsonNode confirm = body == null ? null : body.get("confirm");
        if (confirm == null || !confirm.isString() || !confirm.asString().strip().equals(plan.id())) {
            throw new ReviewException(ReviewException.Kind.BAD_REQUEST, "apply needs confirmation: send"
                    + " {\"confirm\": \"" + plan.id() + "\"} (the plan id, typed by the user); nothing was applied");
        }
        log.info("applying plan {} (confirmed from the review page)", plan.id());
        return applier.apply(workspace.planFile(planId));
    }
}
