package io.soak.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestDataTest {

    @Test
    void theFixtureIsSmallHoldsEveryStreamKindAndASnapshotAndNamesItsLicence() throws Exception {
        Path dir = TestData.fixtureRoot().resolve(TestData.DIR);
        long bytes = Files.size(dir.resolve(TestData.BTC)) + Files.size(dir.resolve(TestData.ETH));
        assertThat(bytes).isLessThan(1L << 20);
        assertThat(Files.readString(dir.resolve("README.md"))).contains("hftbacktest").contains("MIT");
        for (String sym : new String[] {"btcusdt", "ethusdt"}) {
            Path f = dir.resolve(sym + "_20240808.gz");
            TestData.Counts c = TestData.counts(f);
            assertThat(c.snapshots()).isEqualTo(1);
            assertThat(c.perStream()).containsOnlyKeys(sym + "@trade", sym + "@bookTicker", sym + "@depth@0ms");
            assertThat(c.perStream().values()).allSatisfy(n -> assertThat(n).isGreaterThan(500L));
        }
        assertThat(TestData.counts(dir.resolve(TestData.BTC)).lines()).isEqualTo(7_271);
        assertThat(TestData.counts(dir.resolve(TestData.ETH)).lines()).isEqualTo(6_659);
    }

    @Test
    void theDataInUseIsTheFullRecordingsWhenFoundElseTheFixture() {
        boolean forced = "fixture".equals(System.getProperty(TestData.FORCE_PROPERTY));
        System.out.println(TestData.describe());
        TestData.Counts btc = TestData.counts(TestData.BTC);
        TestData.Counts eth = TestData.counts(TestData.ETH);
        if (TestData.full()) {
            // the figures of ../shared/data/binance-usdm/README.md
            assertThat(btc.streamMessages()).isEqualTo(93_953);
            assertThat(btc.stream("btcusdt@depth@0ms")).isEqualTo(6_551);
            assertThat(eth.streamMessages()).isEqualTo(74_654);
            assertThat(eth.stream("ethusdt@trade")).isEqualTo(14_076);
            assertThat(TestData.sharedRoot()).contains(TestData.root());
        } else {
            assertThat(btc.lines()).isEqualTo(7_271);
            assertThat(eth.lines()).isEqualTo(6_659);
            if (!forced) {
                assertThat(TestData.sharedRoot()).isEmpty();
            }
            assertThat(TestData.describe()).contains("fixture").contains(forced ? "chosen by" : "not found in");
        }
        assertThat(btc.snapshots()).isEqualTo(1);
        assertThat(eth.snapshots()).isEqualTo(1);
    }
}
