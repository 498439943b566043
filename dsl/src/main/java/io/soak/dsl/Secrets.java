package io.soak.dsl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in text before it is printed or written: the user-info of anything that looks like a URL
 * ({@code scheme://user:password@host}), whether or not the rest is a valid URL (an unescaped {@code @} or
 * {@code /} in the password, a bad port, a missing host), and {@code token=}/{@code password=} query
 * parameters. Used by the scenario errors, the launcher's error line and the log layout.
 *
 * <p>Only the user-info of the authority is a credential: an {@code @} in the path, the query or the fragment is
 * not (Binance stream names: {@code ws://127.0.0.1:9443/public/ws/btcusdt@depth@100ms} stays as it is). The
 * user-info ends at the last {@code @} of the URL that is either inside the authority (before the first
 * {@code /}, {@code ?} or {@code #}) or followed by something that looks like a host (a dot, a colon, brackets
 * or {@code localhost}: a password holding an unescaped {@code /}); everything from {@code ://} to that
 * {@code @} becomes {@code ***}, so a malformed credential errs towards hiding too much.
 */
public final class Secrets {

    /** scheme:// then the rest of the token, up to whitespace, a quote or the end. */
    private static final Pattern URL = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^\\s'\"<>]*)");
    /** What follows an '@' up to the next '/', '?', '#', '@': looks like host[:port]. */
    private static final Pattern HOST_LIKE = Pattern.compile("(?i)\\[.*]|localhost(:.*)?|[^:]*[.:].*");
    private static final Pattern QUERY = Pattern.compile("(?i)([?&;](?:token|password|passwd|pwd|secret|api[_-]?key)=)[^&\\s'\"]*");

    private Secrets() {
    }

    /** The text with URL credentials replaced by {@code ***}; null stays null. */
    public static String mask(String text) {
        if (text == null || (text.indexOf('@') < 0 && text.indexOf('=') < 0)) {
            return text;
        }
        String t = URL.matcher(text).replaceAll(m -> {
            String rest = m.group(2);
            int cut = userInfoEnd(rest);
            return Matcher.quoteReplacement(cut < 0 ? m.group() : m.group(1) + "***" + rest.substring(cut));
        });
        return QUERY.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***"));
    }

    /** The index of the '@' ending the user-info in what follows "://", or -1 without user-info. */
    static int userInfoEnd(String rest) {
        int authorityEnd = indexOfAny(rest, "/?#", 0);
        int end = -1;
        for (int at = rest.indexOf('@'); at >= 0; at = rest.indexOf('@', at + 1)) {
            if (at < authorityEnd || HOST_LIKE.matcher(rest.substring(at + 1, indexOfAny(rest, "/?#@", at + 1))).matches()) {
                end = at;
            }
        }
        return end;
    }

    private static int indexOfAny(String s, String chars, int from) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }
}
