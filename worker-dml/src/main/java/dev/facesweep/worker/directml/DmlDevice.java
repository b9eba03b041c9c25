package dev.facesweep.worker.directml;

import ai.onnxruntime.OrtEpDevice;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One GPU that ONNX Runtime offers for DirectML ({@code OrtEnvironment.getEpDevices()} entries whose EP name is
 * {@code DmlExecutionProvider}).
 *
 * @param index position among the DirectML devices, as ONNX Runtime lists them
 * @param vendorId PCI vendor id (0x1002 AMD, 0x10DE NVIDIA, 0x8086 Intel)
 * @param vendor vendor name as reported
 * @param metadata device metadata (Description, DxgiAdapterNumber, DxgiVideoMemory, Discrete)
 */
record DmlDevice(int index, int vendorId, String vendor, Map<String, String> metadata) {

    static final Map<String, Integer> VENDORS = Map.of("amd", 0x1002, "nvidia", 0x10DE, "intel", 0x8086);

    DmlDevice {
        metadata = Map.copyOf(metadata);
    }

    static DmlDevice of(int index, OrtEpDevice device) {
        return new DmlDevice(index, device.getDevice().getVendorId(), device.getDevice().getVendor(),
                device.getDevice().getMetadata());
    }

    String description() {
        String d = metadata.get("Description");
        return d == null || d.isBlank() ? vendor : d;
    }

    boolean discrete() {
        return "1".equals(metadata.get("Discrete")) || "true".equalsIgnoreCase(metadata.get("Discrete"));
    }

    /** For heartbeats and logs, e.g. {@code Radeon RX Vega (AMD 0x1002, #0)}. */
    String label() {
        return description() + " (" + vendor + " 0x" + Integer.toHexString(vendorId).toUpperCase(Locale.ROOT)
                + ", #" + index + ")";
    }

    /**
     * Picks the device named by {@code spec}: empty for the first discrete GPU (else the first), a number for that
     * index, or a vendor ({@code amd}, {@code nvidia}, {@code intel}) for its first device.
     *
     * @throws IllegalArgumentException naming the devices there are
     */
    static DmlDevice choose(List<DmlDevice> devices, String spec) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("there is no DirectML device");
        }
        String s = spec == null ? "" : spec.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return devices.stream().filter(DmlDevice::discrete).findFirst().orElse(devices.get(0));
        }
        if (s.chars().allMatch(Character::isDigit)) {
            int i = Integer.parseInt(s);
            if (i < devices.size()) {
                return devices.get(i);
            }
        } else if (VENDORS.containsKey(s)) {
            int id = VENDORS.get(s);
            for (DmlDevice d : devices) {
                if (d.vendorId() == id) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("no DirectML device matches facesweep.worker.device='" + spec
                + "'; there are " + devices.stream().map(DmlDevice::label).collect(Collectors.joining(", "))
                + " (use an index or amd, nvidia, intel)");
    }
}
