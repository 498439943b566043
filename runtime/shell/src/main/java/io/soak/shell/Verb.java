package io.soak.shell;

import java.util.List;

/**
 * One shell command: a small object over the shell's session (the attached {@code RunControl}, the CLI).
 * {@code run} returns an exit code like the CLI's (0 ok, 1 a check failed, 2 bad usage, 3 failure).
 */
interface Verb {

    String name();

    /** One line: the arguments, as in {@code fault kill|crash|hang <stage> [duration]}. */
    String usage();

    /** What it does, a few lines. */
    String help();

    int run(List<String> args) throws Exception;

    static Verb of(String name, String usage, String help, Body body) {
        return new Verb() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String usage() {
                return usage;
            }

            @Override
            public String help() {
                return help;
            }

            @Override
            public int run(List<String> args) throws Exception {
                return body.run(args);
            }
        };
    }

    @FunctionalInterface
    interface Body {
        int run(List<String> args) throws Exception;
    }
}
