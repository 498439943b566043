package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FelixHostTest {

    @Test
    void systemBundleExportsApiSlf4jAndJacksonAtTheirVersions() {
        String extra = FelixHost.systemPackagesExtra();
        assertThat(extra).contains("io.soak.api.stage;version=\"1.3.0\"")
                .contains("io.soak.api.source;version=\"1.1.0\"")
                .contains("io.soak.api.plan;version=\"1.0.0\"")
                .contains("org.slf4j;")
                .contains("com.fasterxml.jackson.databind;")
                .contains("com.fasterxml.jackson.core;")
                .contains("com.fasterxml.jackson.annotation;");
    }
}
