package io.soak.dsl.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A small bracket scanner over a script's text (strings and comments skipped), used before and after Groovy
 * compiles it. Before: a nesting deeper than the limit is refused at once with its line (Groovy's parser takes
 * minutes on a few thousand nested brackets). After a syntax error: Groovy's parser often reports the line of
 * the enclosing {@code soak {} (or the last line); an unclosed or mismatched bracket is reported at its own
 * line, and {@link #cuts()} gives the places where the script can be cut and closed, so the loader can find the
 * first line that no longer compiles.
 */
final class SourceScanner {

    /** A line end where the script can be cut: only braces are open, no statement continues on the next line. */
    record Cut(int line, int endOffset, String closers) {
    }

    /** A bracket problem found by the scan, or a nesting too deep. */
    record Problem(int line, String message) {
    }

    private record Open(char c, int line, int indent) {
    }

    private final String text;
    private final int maxDepth;
    private final List<Cut> cuts = new ArrayList<>();
    private Problem problem;
    private Problem tooDeep;

    private SourceScanner(String text, int maxDepth) {
        this.text = text;
        this.maxDepth = maxDepth;
    }

    static SourceScanner scan(String text, int maxDepth) {
        SourceScanner s = new SourceScanner(text, maxDepth);
        s.run();
        return s;
    }

    /** Nesting deeper than the limit (the line where it went past), or null. */
    Problem tooDeep() {
        return tooDeep;
    }

    /** The first bracket problem (unclosed, mismatched, unterminated string), or null. */
    Problem problem() {
        return problem;
    }

    List<Cut> cuts() {
        return cuts;
    }

    private void run() {
        Deque<Open> stack = new ArrayDeque<>();
        int n = text.length();
        int line = 1;
        int lineStart = 0;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n') {
                lineEnd(stack, line, i);
                line++;
                lineStart = i + 1;
                i++;
                continue;
            }
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                int commentLine = line;
                int stop = end < 0 ? n : end + 2;
                for (int k = i; k < stop; k++) {
                    if (text.charAt(k) == '\n') {
                        line++;
                        lineStart = k + 1;
                    }
                }
                if (end < 0) {
                    first(new Problem(commentLine, "a /* comment is not closed"));
                }
                i = stop;
                continue;
            }
            if (c == '\'' || c == '"') {
                boolean triple = i + 2 < n && text.charAt(i + 1) == c && text.charAt(i + 2) == c;
                int startLine = line;
                int k = triple ? i + 3 : i + 1;
                boolean closed = false;
                while (k < n) {
                    char d = text.charAt(k);
                    if (d == '\\') {
                        k += 2;
                        continue;
                    }
                    if (d == '\n') {
                        if (!triple) {
                            break;
                        }
                        line++;
                        lineStart = k + 1;
                    }
                    if (d == c && (!triple || (k + 2 < n && text.charAt(k + 1) == c && text.charAt(k + 2) == c))) {
                        k += triple ? 3 : 1;
                        closed = true;
                        break;
                    }
                    k++;
                }
                if (!closed) {
                    first(new Problem(startLine, "a text in " + c + " quotes is not closed on its line"));
                    // go on after the line, as Groovy does
                }
                i = closed ? k : Math.min(k, n);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                int indent = indent(lineStart);
                stack.push(new Open(c, line, indent));
                if (stack.size() > maxDepth && tooDeep == null) {
                    tooDeep = new Problem(line, "brackets nest deeper than " + maxDepth + " levels (the nesting limit)");
                    return;
                }
            } else if (c == ')' || c == ']' || c == '}') {
                char want = c == ')' ? '(' : c == ']' ? '[' : '{';
                Open top = stack.peek();
                if (top == null) {
                    first(new Problem(line, "'" + c + "' closes nothing"));
                } else if (top.c() != want) {
                    boolean opened = stack.stream().anyMatch(o -> o.c() == want);
                    if (opened) {
                        // the closer belongs further out: the innermost bracket was left open
                        first(new Problem(top.line(), "'" + top.c() + "' is not closed (found '" + c + "' at line " + line + ")"));
                        stack.pop();
                    } else {
                        // nothing of its kind is open: the closer itself is stray
                        first(new Problem(line, "'" + c + "' closes nothing (inside '" + top.c() + "' of line " + top.line() + ")"));
                        i++;
                        continue;
                    }
                } else {
                    boolean startsLine = text.substring(lineStart, i).isBlank();
                    if (c == '}' && startsLine && indent(lineStart) < top.indent() && top.line() != line) {
                        first(new Problem(top.line(), "'{' is not closed (the '}' at line " + line
                                + " is indented like an outer block)"));
                    }
                    stack.pop();
                }
            }
            i++;
        }
        lineEnd(stack, line, n);
        if (!stack.isEmpty()) {
            Open o = stack.peek(); // the innermost unclosed bracket
            first(new Problem(o.line(), "'" + o.c() + "' is not closed by the end of the script"));
        }
    }

    private int indent(int lineStart) {
        int k = lineStart;
        int w = 0;
        while (k < text.length() && (text.charAt(k) == ' ' || text.charAt(k) == '\t')) {
            w += text.charAt(k) == '\t' ? 4 : 1;
            k++;
        }
        return w;
    }

    private void lineEnd(Deque<Open> stack, int line, int offset) {
        for (Open o : stack) {
            if (o.c() != '{') {
                return;
            }
        }
        String before = text.substring(0, offset).stripTrailing();
        if (before.isEmpty()) {
            return;
        }
        char last = before.charAt(before.length() - 1);
        if (",=+-*/&|?:.\\(".indexOf(last) >= 0) {
            return;
        }
        String next = text.substring(offset).stripLeading();
        if (next.startsWith(".") || next.startsWith("?.") || next.startsWith("*.")) {
            return;
        }
        StringBuilder closers = new StringBuilder();
        for (int k = 0; k < stack.size(); k++) {
            closers.append("\n}");
        }
        cuts.add(new Cut(line, offset, closers.toString()));
    }

    private void first(Problem p) {
        if (problem == null) {
            problem = p;
        }
    }
}
