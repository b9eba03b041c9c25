package dev.facesweep.coordinator.serve;

import dev.facesweep.coordinator.plan.InputFile;
import dev.facesweep.coordinator.plan.Plan;
import java.io.IOException;
import java.util.Map;

/** Placeholder until the plan feature's input recorder is wired: refuses to create plans. */
final class DefaultPlanFiles {

    private DefaultPlanFiles() {
    }

    static Map<String, InputFile> inputs(Plan plan) throws IOException {
        throw new IOException("this build cannot record plan inputs yet: create the plan with ./facesweep plan "
                + plan.scanId() + " --overrides <state>/reviews/" + plan.scanId() + "/overrides.json --out plan.json");
    }
}
