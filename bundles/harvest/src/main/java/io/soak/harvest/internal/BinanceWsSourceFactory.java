package io.soak.harvest.internal;

import io.soak.api.source.FeedSource;
import io.soak.api.source.FeedSourceFactory;
import org.osgi.service.component.annotations.Component;

/** Publishes the live source type {@code binance-ws} (Binance USDT-M combined streams, or the emulator on loopback). */
@Component(service = FeedSourceFactory.class)
public final class BinanceWsSourceFactory implements FeedSourceFactory {

    @Override
    public String type() {
        return "binance-ws";
    }

    @Override
    public FeedSource create() {
        return new BinanceWsSource();
    }
}
