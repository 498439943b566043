/** Paper broker orders, fills and positions (DOMAIN.md 4). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.soak.api.broker;
