package io.soak.api.plan;

/**
 * Replay pace: {@code max} (virtual clock, deterministic simulation) or a multiple of the recording's
 * speed ({@code 1x}, {@code 20x}).
 *
 * @param multiplier speed factor, > 0; ignored when {@code max}
 */
public record Pace(boolean max, double multiplier) {

    public static final Pace MAX = new Pace(true, 0);
    public static final Pace REALTIME = new Pace(false, 1);

    public Pace {
        if (!max && !(multiplier > 0)) {
            throw new IllegalArgumentException("pace multiplier must be > 0, got " + multiplier);
        }
    }

    /** Parses {@code max}, {@code 1x}, {@code 20x}, {@code 2.5x}. */
    public static Pace parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("max")) {
            return MAX;
        }
        if (t.endsWith("x")) {
            try {
                return new Pace(false, Double.parseDouble(t.substring(0, t.length() - 1)));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("pace must be 'max' or a multiple such as '1x' or '20x', got '" + text + "'");
    }

    @Override
    public String toString() {
        if (max) {
            return "max";
        }
        return (multiplier == Math.rint(multiplier) ? String.valueOf((long) multiplier) : String.valueOf(multiplier)) + "x";
    }
}
