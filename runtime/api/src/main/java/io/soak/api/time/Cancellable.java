package io.soak.api.time;

import org.osgi.annotation.versioning.ProviderType;

/** A handle to a scheduled timer. */
@ProviderType
public interface Cancellable {

    /** Cancels the timer; a timer that already ran or was cancelled is left alone. Idempotent. */
    void cancel();
}
