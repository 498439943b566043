/** Market events parsed from the Binance USDT-M Futures combined streams. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.soak.api.market;
