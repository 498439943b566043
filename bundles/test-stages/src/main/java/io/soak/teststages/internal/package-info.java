/** Test stages, sources and feeds for the engine's tests and benchmark. Not exported. */
package io.soak.teststages.internal;
