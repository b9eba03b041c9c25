package dev.facesweep.imaging;

import dev.facesweep.testing.Fixtures;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-thread cost of the preprocessing stages on the fixture PNGs, in CPU milliseconds per image (CPU time, so
 * other load on the machine does not inflate it). Not a test: run it by hand, e.g.
 * {@code java -cp common/target/classes:common/target/test-classes:... dev.facesweep.imaging.ImagingBenchmark}.
 */
final class ImagingBenchmark {

    private ImagingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> pngs = new ArrayList<>();
        for (String name : new String[] {"face_00.png", "face_01_sg.png", "face_02_mask.png", "face_03_sg_mask.png"}) {
            pngs.add(Files.readAllBytes(Fixtures.clipTinyImages().resolve(name)));
        }
        ClipImagePreprocessor preprocessor = ClipImagePreprocessor.openClipDefault();
        float[] tensor = new float[preprocessor.tensorSize()];
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int perRound = 400;
        for (int round = 0; round < rounds; round++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                ImageDecoder.decode(pngs.get(i % pngs.size()), DecodeLimits.defaults());
            }
            long t1 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                preprocessor.preprocess(pngs.get(i % pngs.size()), tensor, 0);
            }
            long t2 = cpu.getCurrentThreadCpuTime();
            System.out.printf("decode %.2f ms/img, decode+resize+normalise %.2f ms/img (512x512 RGB PNG)%n",
                    (t1 - t0) / 1e6 / perRound, (t2 - t1) / 1e6 / perRound);
        }
    }
}
