package io.soak.launcher;

/**
 * A {@code soak} subcommand living in a module the launcher does not depend on (the JLine shell), found
 * through {@code META-INF/services/io.soak.launcher.SubcommandProvider}. {@link #create()} returns a picocli
 * {@code @Command} object; it may declare {@code @ParentCommand SoakCommand root}.
 */
public interface SubcommandProvider {

    /** The subcommand's name ({@code shell}). */
    String name();

    /** A new command object for one command line. */
    Object create();
}
