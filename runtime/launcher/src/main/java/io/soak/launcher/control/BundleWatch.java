package io.soak.launcher.control;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.SynchronousBundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes hot deploys visible and keeps one bundle per symbolic name. Every update of a bundle (FileInstall
 * updating it from {@code hot/}, or an operator's swap) is logged as {@code bundle <bsn> updated <old> ->
 * <new>} and reported to a listener. A jar of a new version dropped into {@code hot/} is installed by
 * FileInstall beside the old bundle (same symbolic name, other version): once the new one is active (its
 * services have replaced the old ones in the engine's registry), the older one is uninstalled, so the
 * framework, the manifest and {@code soak bundles} show one bundle per component.
 */
public final class BundleWatch implements SynchronousBundleListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BundleWatch.class);

    /** One update: symbolic name, old and new version, how (hot/ update, new install from hot/). */
    public record Update(String bsn, String from, String to, String how) {
    }

    private final BundleContext context;
    private final Consumer<Update> listener;
    private final Map<Long, String> versions = new ConcurrentHashMap<>();

    private BundleWatch(BundleContext context, Consumer<Update> listener) {
        this.context = context;
        this.listener = listener;
        for (Bundle b : context.getBundles()) {
            versions.put(b.getBundleId(), b.getVersion().toString());
        }
    }

    public static BundleWatch watch(BundleContext context, Consumer<Update> listener) {
        BundleWatch w = new BundleWatch(context, listener);
        context.addBundleListener(w);
        // a new version FileInstall started before the watch began
        for (Bundle b : context.getBundles()) {
            if (b.getState() == Bundle.ACTIVE && b.getSymbolicName() != null) {
                w.replaceOlder(b);
            }
        }
        return w;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle b = event.getBundle();
        String bsn = b.getSymbolicName();
        if (bsn == null) {
            return;
        }
        switch (event.getType()) {
            case BundleEvent.UPDATED -> {
                String old = versions.put(b.getBundleId(), b.getVersion().toString());
                report(new Update(bsn, old == null ? "?" : old, b.getVersion().toString(), "updated in place from " + b.getLocation()));
            }
            case BundleEvent.INSTALLED -> versions.put(b.getBundleId(), b.getVersion().toString());
            case BundleEvent.STARTED -> replaceOlder(b);
            case BundleEvent.UNINSTALLED -> versions.remove(b.getBundleId());
            default -> {
            }
        }
    }

    private void replaceOlder(Bundle started) {
        for (Bundle other : context.getBundles()) {
            if (other.getBundleId() != started.getBundleId() && started.getSymbolicName().equals(other.getSymbolicName())
                    && other.getVersion().compareTo(started.getVersion()) < 0) {
                report(new Update(started.getSymbolicName(), other.getVersion().toString(), started.getVersion().toString(),
                        "new version installed from " + started.getLocation()));
                // not on the framework's event thread: uninstalling stops the old bundle's components
                Thread t = new Thread(() -> {
                    try {
                        other.uninstall();
                        LOG.info("bundle {} {} uninstalled: replaced by {}", other.getSymbolicName(), other.getVersion(),
                                started.getVersion());
                    } catch (BundleException | IllegalStateException e) {
                        LOG.warn("bundle {} {} not uninstalled: {}", other.getSymbolicName(), other.getVersion(), e.getMessage());
                    }
                }, "soak-bundle-replace");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private void report(Update u) {
        LOG.info("bundle {} updated {} -> {} ({})", u.bsn(), u.from(), u.to(), u.how());
        try {
            listener.accept(u);
        } catch (RuntimeException e) {
            LOG.debug("bundle update listener failed", e);
        }
    }

    @Override
    public void close() {
        try {
            context.removeBundleListener(this);
        } catch (IllegalStateException e) {
            // the framework is gone
        }
    }
}
