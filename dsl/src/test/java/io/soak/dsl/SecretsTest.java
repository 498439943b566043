package io.soak.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void leavesTheAtOfBinanceStreamNamesAlone() {
        // seen in a LIVE run log: "connecting public (4 streams) to ws://***@100ms"
        String ws = "connecting public (4 streams) to ws://127.0.0.1:9443/public/ws/btcusdt@depth@100ms/ethusdt@depth@100ms";
        assertThat(Secrets.mask(ws)).isEqualTo(ws);
        String prod = "wss://fstream.binance.com/public/ws/btcusdt@depth@100ms/btcusdt@bookTicker";
        assertThat(Secrets.mask(prod)).isEqualTo(prod);
        String combined = "wss://fstream.binance.com/market/stream?streams=btcusdt@aggTrade/btcusdt@markPrice@1s/btcusdt@kline_1m";
        assertThat(Secrets.mask(combined)).isEqualTo(combined);
        String fragment = "http://127.0.0.1:1/x#a@b ws://h/stream?streams=btcusdt@depth5@100ms";
        assertThat(Secrets.mask(fragment)).isEqualTo(fragment);
    }

    @Test
    void stillMasksTheUserInfoOfTheAuthority() {
        assertThat(Secrets.mask("wss://user:hunter2@fstream.binance.com/public/ws/btcusdt@depth@100ms"))
                .isEqualTo("wss://***@fstream.binance.com/public/ws/btcusdt@depth@100ms");
        assertThat(Secrets.mask("to ws://u:s3cret@127.0.0.1:9443/public/stream?streams=btcusdt@depth@100ms now"))
                .isEqualTo("to ws://***@127.0.0.1:9443/public/stream?streams=btcusdt@depth@100ms now");
        assertThat(Secrets.mask("http://admin:hunter2@127.0.0.1:99999")).isEqualTo("http://***@127.0.0.1:99999");
        assertThat(Secrets.mask("http://token@localhost/x")).isEqualTo("http://***@localhost/x");
    }

    @Test
    void masksMalformedCredentialsErringTowardsHiding() {
        // an unescaped '@' and '/' in the password, a bad port
        assertThat(Secrets.mask("push to http://admin:p@ss/w0rd@127.0.0.1:bad/metrics failed"))
                .isEqualTo("push to http://***@127.0.0.1:bad/metrics failed");
        // an unescaped '/' only: the authority "admin:pa" is no host[:port], the text after the '@' is one
        assertThat(Secrets.mask("http://admin:pa/ss@db.example.com:5432/x")).isEqualTo("http://***@db.example.com:5432/x")
                .doesNotContain("pa/ss");
        assertThat(Secrets.mask("http://admin:12/34@db:5432")).doesNotContain("12/34");
        assertThat(Secrets.mask("'jdbc:x://u:p@[::1]:5/db' and \"http://a:b@h.io\""))
                .isEqualTo("'jdbc:x://***@[::1]:5/db' and \"http://***@h.io\"");
        assertThat(Secrets.mask("http://127.0.0.1/?token=abc&x=1")).isEqualTo("http://127.0.0.1/?token=***&x=1");
        assertThat(Secrets.mask(null)).isNull();
    }
}
