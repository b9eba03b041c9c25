package dev.facesweep.bench;

/** Parsing of the benchmarks' numeric options; each failure is one line naming the option. */
final class Args {

    private Args() {
    }

    static int positiveInt(String name, String value) {
        int v = nonNegativeInt(name, value);
        if (v == 0) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
        return v;
    }

    static int nonNegativeInt(String name, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number >= 0, got " + value);
    }

    static double positiveDouble(String name, String value) {
        try {
            double v = Double.parseDouble(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive number, got " + value);
    }
}
