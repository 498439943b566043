package io.soak.dsl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in text before it is printed or written: the user-info of anything that looks like a URL
 * ({@code scheme://user:password@host}), whether or not the rest is a valid URL (an unescaped {@code @} or
 * {@code /} in the password, a bad port, a missing host), and {@code token=}/{@code password=} query
 * parameters. Masking errs towards hiding too much: everything from {@code ://} to the last {@code @} of the
 * token becomes {@code ***}. Used by the scenario errors, the launcher's error line and the log layout.
 */
public final class Secrets {

    /** scheme:// then anything up to the last '@' before whitespace, a quote or the end. */
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^\\s'\"<>]*@");
    private static final Pattern QUERY = Pattern.compile("(?i)([?&;](?:token|password|passwd|pwd|secret|api[_-]?key)=)[^&\\s'\"]*");

    private Secrets() {
    }

    /** The text with URL credentials replaced by {@code ***}; null stays null. */
    public static String mask(String text) {
        if (text == null || (text.indexOf('@') < 0 && text.indexOf('=') < 0)) {
            return text;
        }
        String t = USER_INFO.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***@"));
        return QUERY.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***"));
    }
}
