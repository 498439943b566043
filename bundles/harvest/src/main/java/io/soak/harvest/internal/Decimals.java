package io.soak.harvest.internal;

/**
 * Parses the exchange's decimal strings ({@code "61800.30"}) straight from the parser's character buffer.
 * With at most 18 significant digits the result equals {@link Double#parseDouble} (an exact long mantissa
 * divided by an exact power of ten is correctly rounded); anything else falls back to it.
 */
final class Decimals {

    private static final double[] POW10 = new double[19];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private Decimals() {
    }

    static double parse(char[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        boolean negative = false;
        if (i < end && (buf[i] == '-' || buf[i] == '+')) {
            negative = buf[i] == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = -1;
        boolean any = false;
        for (; i < end; i++) {
            char c = buf[i];
            if (c >= '0' && c <= '9') {
                any = true;
                if (mantissa != 0 || c != '0') {
                    digits++;
                }
                if (digits > 18) {
                    return slow(buf, off, len);
                }
                mantissa = mantissa * 10 + (c - '0');
                if (scale >= 0) {
                    scale++;
                }
            } else if (c == '.' && scale < 0) {
                scale = 0;
            } else {
                return slow(buf, off, len);
            }
        }
        if (!any) {
            throw new NumberFormatException("not a number: '" + new String(buf, off, len) + "'");
        }
        if (scale > 18) {
            return slow(buf, off, len);
        }
        double v = scale <= 0 ? (double) mantissa : mantissa / POW10[scale];
        return negative ? -v : v;
    }

    /** Plain decimals with an exponent, and NaN/Infinity (which the parser then refuses as non-finite). */
    private static double slow(char[] buf, int off, int len) {
        String s = new String(buf, off, len);
        for (int i = 0; i < len; i++) {
            char c = buf[off + i];
            if (!(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
                if (s.equals("NaN") || s.equals("Infinity") || s.equals("+Infinity") || s.equals("-Infinity")) {
                    return Double.parseDouble(s);
                }
                throw new NumberFormatException("not a decimal: '" + s + "'");
            }
        }
        return Double.parseDouble(s);
    }
}
