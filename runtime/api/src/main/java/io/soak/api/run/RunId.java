package io.soak.api.run;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The id of one run, which is also the name of its directory under the runs root: letters, digits, {@code .},
 * {@code _} or {@code -}, starting with a letter or digit, at most 128 characters, and never {@code .} or
 * {@code ..}. Generated ids have one format: {@code <scenario>-<yyyyMMdd'T'HHmmss'Z'>-<4 hex digits>}.
 *
 * @param value the id; validated
 */
public record RunId(String value) {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    public RunId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("run id must be letters, digits, '.', '_' or '-' (starting with a letter"
                    + " or digit, at most 128), got " + (value == null ? "nothing" : "'" + value + "'"));
        }
    }

    /**
     * A validated id.
     *
     * @throws IllegalArgumentException with a one-line reason when {@code value} is not a valid id
     */
    public static RunId of(String value) {
        return new RunId(value);
    }

    /** A new id for a run of the named scenario (null or blank: {@code run}), stamped with {@code now} (UTC). */
    public static RunId generate(String scenarioName, Instant now) {
        String name = scenarioName == null || scenarioName.isBlank() ? "run"
                : scenarioName.replaceAll("[^A-Za-z0-9_-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (name.isEmpty()) {
            name = "run";
        }
        if (name.length() > 96) {
            name = name.substring(0, 96);
        }
        String hex = String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        return new RunId(name + "-" + STAMP.format(now) + "-" + hex);
    }

    /** A new id stamped with the current time. */
    public static RunId generate(String scenarioName) {
        return generate(scenarioName, Instant.now());
    }

    @Override
    public String toString() {
        return value;
    }
}
