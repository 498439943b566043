package io.soak.shell;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns as wide as their widest cell (numbers right-aligned). */
final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(Fmt.cell(c));
        }
        rows.add(r);
        return this;
    }

    int[] widths() {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                if (i < r.size()) {
                    w[i] = Math.max(w[i], r.get(i).length());
                }
            }
        }
        return w;
    }

    @Override
    public String toString() {
        int[] w = widths();
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        for (List<String> r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    static void line(StringBuilder sb, List<String> cells, int[] w) {
        for (int i = 0; i < w.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            boolean num = c.chars().anyMatch(Character::isDigit) && (Character.isDigit(c.charAt(0)) || c.charAt(0) == '-') && c.chars().allMatch(
                    ch -> Character.isDigit(ch) || ch == '.' || ch == '-' || ch == ',' || ch == '%');
            String pad = " ".repeat(Math.max(0, w[i] - c.length()));
            sb.append(num ? pad + c : c + pad);
            if (i < w.length - 1) {
                sb.append("  ");
            }
        }
        sb.append('\n');
    }
}
