package io.soak.dsl.internal;

import groovy.lang.GroovySystem;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The compiled classes of scenario scripts kept on disk, so that a later process that loads the same script
 * skips the Groovy compiler (about a second of a cold start). An entry is found by a content key: the SHA-256
 * of the script text, the name it is compiled under, and the fingerprint of this DSL build (the bytes of the
 * DSL jar, the Groovy version and the Java version), so a changed script, a rebuilt DSL (its language, base
 * class or compile checks) or another Groovy never meets a stale entry. Entries live in
 * {@code <dir>/v1-<fingerprint>/<key>.classes}, written to a temporary file and renamed, and carry a checksum of
 * their content: a damaged or partial entry is ignored and rewritten. The directory is safe to delete at any
 * time. Only scripts that compiled are stored; an invalid script is compiled (and rejected) every time.
 *
 * <p>Off unless {@link #configure} was given a directory: {@code soak} (the real process) turns it on with
 * {@code ~/.cache/soak/scenarios} (or {@code -Dsoak.dsl.cache_dir}); {@code -Dsoak.dsl.cache=off} turns it off.
 */
public final class ScriptClassCache {

    private static final int MAGIC = 0x534f414b; // "SOAK"
    private static final int FORMAT = 1;
    private static volatile Path dir;
    private static volatile String fingerprint;

    private ScriptClassCache() {
    }

    /** Uses {@code directory} for the cache (null: off). {@code -Dsoak.dsl.cache=off} keeps it off. */
    public static void configure(Path directory) {
        if (directory == null || "off".equalsIgnoreCase(System.getProperty("soak.dsl.cache", "on"))
                || "false".equalsIgnoreCase(System.getProperty("soak.dsl.cache", "on"))) {
            dir = null;
            return;
        }
        dir = directory;
    }

    /** The cache directory in use, or null when the cache is off. */
    public static Path directory() {
        return dir;
    }

    /** The versioned directory entries go into (null when off). */
    static Path versionDir() {
        Path d = dir;
        return d == null ? null : d.resolve("v" + FORMAT + "-" + fingerprint().substring(0, 16));
    }

    /** The key of one script text compiled under {@code sourceName}. */
    static String key(String text, String sourceName) {
        return sha256((fingerprint() + "\n" + sourceName + "\n" + text).getBytes(StandardCharsets.UTF_8));
    }

    /** The classes stored for this key (name → bytes, the script class first), or null when there are none usable. */
    static Map<String, byte[]> read(String key) {
        Path v = versionDir();
        if (v == null) {
            return null;
        }
        Path file = v.resolve(key + ".classes");
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            return null; // absent (the usual miss) or unreadable: compile
        }
        if (all.length < 32) {
            return null;
        }
        byte[] body = Arrays.copyOfRange(all, 0, all.length - 32);
        byte[] sum = Arrays.copyOfRange(all, all.length - 32, all.length);
        if (!MessageDigest.isEqual(sum, digest(body))) {
            return null; // damaged: recompiled and rewritten
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT || !key.equals(in.readUTF())) {
                return null;
            }
            int n = in.readInt();
            if (n <= 0 || n > 10_000) {
                return null;
            }
            Map<String, byte[]> classes = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                byte[] code = new byte[in.readInt()];
                in.readFully(code);
                classes.put(name, code);
            }
            return classes;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Stores the classes of one compiled script; any failure (read-only home, full disk) only means no cache. */
    static void write(String key, Map<String, byte[]> classes) {
        Path v = versionDir();
        if (v == null || classes.isEmpty()) {
            return;
        }
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(buf)) {
                out.writeInt(MAGIC);
                out.writeInt(FORMAT);
                out.writeUTF(key);
                out.writeInt(classes.size());
                for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().length);
                    out.write(e.getValue());
                }
            }
            byte[] body = buf.toByteArray();
            createPrivate(v);
            Path tmp = Files.createTempFile(v, key.substring(0, 16), ".tmp");
            try {
                Files.write(tmp, body);
                try (var out = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.APPEND)) {
                    out.write(digest(body));
                }
                try {
                    Files.move(tmp, v.resolve(key + ".classes"), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, v.resolve(key + ".classes"), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // no cache this time
        }
    }

    /**
     * Creates the directories the cache writes to readable and writable by the user only (the classes in them are
     * run): a cache directory somebody else can write to would let them plant code.
     */
    private static void createPrivate(Path v) throws IOException {
        if (Files.isDirectory(v)) {
            return;
        }
        if (v.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            var perms = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Path parent = v.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent, perms);
            }
            Files.createDirectory(v, perms);
        } else {
            Files.createDirectories(v);
        }
    }

    /** Loads stored classes; the script class is the first. */
    static Class<?> define(Map<String, byte[]> classes, ClassLoader parent) throws ClassNotFoundException {
        CachedLoader loader = new CachedLoader(parent, classes);
        return loader.loadClass(classes.keySet().iterator().next());
    }

    /** Defines a stored script's classes on demand; everything else comes from the DSL's loader. */
    private static final class CachedLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        CachedLoader(ClassLoader parent, Map<String, byte[]> classes) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] code = classes.get(name);
            if (code == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, code, 0, code.length);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (classes.containsKey(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        c = findClass(name);
                    }
                    if (resolve) {
                        resolveClass(c);
                    }
                    return c;
                }
            }
            return super.loadClass(name, resolve);
        }
    }

    /** This DSL build: the DSL jar's (or classes directory's) content, the Groovy and the Java versions. */
    static String fingerprint() {
        String f = fingerprint;
        if (f == null) {
            f = sha256((code() + "\n" + GroovySystem.getVersion() + "\n" + System.getProperty("java.specification.version")
                    + "\n" + FORMAT).getBytes(StandardCharsets.UTF_8));
            fingerprint = f;
        }
        return f;
    }

    private static String code() {
        try {
            CodeSource cs = ScriptClassCache.class.getProtectionDomain().getCodeSource();
            Path p = cs == null || cs.getLocation() == null ? null : Path.of(cs.getLocation().toURI());
            if (p != null && Files.isRegularFile(p)) {
                try (InputStream in = Files.newInputStream(p)) {
                    MessageDigest md = md();
                    byte[] b = new byte[64 << 10];
                    for (int n; (n = in.read(b)) > 0; ) {
                        md.update(b, 0, n);
                    }
                    return HexFormat.of().formatHex(md.digest());
                }
            }
            if (p != null && Files.isDirectory(p)) {
                // a classes directory (tests, the IDE): names, sizes and modification times of its files
                MessageDigest md = md();
                try (Stream<Path> s = Files.walk(p)) {
                    for (Path q : s.filter(Files::isRegularFile).sorted().toList()) {
                        md.update((p.relativize(q) + " " + Files.size(q) + " " + Files.getLastModifiedTime(q).toMillis() + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
                return HexFormat.of().formatHex(md.digest());
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // unknown build: a fingerprint that matches nothing stored, so nothing stale is used
        }
        return "unknown-" + System.nanoTime();
    }

    private static MessageDigest md() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static byte[] digest(byte[] b) {
        return md().digest(b);
    }

    private static String sha256(byte[] b) {
        return HexFormat.of().formatHex(digest(b));
    }
}
