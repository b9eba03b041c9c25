package dev.facesweep.worker.directml;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtEpDevice;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import java.util.List;
import java.util.Set;

/** What the loaded ONNX Runtime offers for DirectML; a seam so the fallback policy can be tested anywhere. */
interface DirectMlRuntime {

    String EP_NAME = "DmlExecutionProvider";

    /** Providers compiled into the loaded core library ({@code DIRECT_ML} only with the DirectML DLL). */
    Set<OrtProvider> providers();

    /** The EP devices of DirectML, one per usable GPU, in ONNX Runtime's order. */
    List<OrtEpDevice> dmlDevices() throws OrtException;

    /** The ONNX Runtime of this process. */
    static DirectMlRuntime system() {
        return new DirectMlRuntime() {
            @Override
            public Set<OrtProvider> providers() {
                return OrtEnvironment.getAvailableProviders();
            }

            @Override
            public List<OrtEpDevice> dmlDevices() throws OrtException {
                return OrtEnvironment.getEnvironment().getEpDevices().stream()
                        .filter(d -> EP_NAME.equals(d.getEpName())).toList();
            }
        };
    }
}
