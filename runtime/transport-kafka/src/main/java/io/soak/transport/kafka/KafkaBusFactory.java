package io.soak.transport.kafka;

import io.soak.engine.ClusterBus;

/** ServiceLoader entry ({@code META-INF/services/io.soak.engine.ClusterBus$Factory}): the Kafka cluster bus. */
public final class KafkaBusFactory implements ClusterBus.Factory {

    @Override
    public ClusterBus create(ClusterBus.Node node) {
        return new KafkaBus(node);
    }
}
