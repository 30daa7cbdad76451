package io.mskbridge.common;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pack's sink connectors share: {@code start()} parses the configuration first (so a configuration that
 * bypassed {@code validate()} fails with the same messages the tasks would give) and warns when the sink would read
 * records of aborted transactions; every task gets the connector's configuration plus its {@link #TASK_ID}.
 */
public abstract class SinkConnectorBase extends SinkConnector {

    private static final Logger log = LoggerFactory.getLogger(SinkConnectorBase.class);

    /** The task's index among the connector's tasks, added to each task configuration (for metrics names). */
    public static final String TASK_ID = "mskbridge.task.id";

    private Map<String, String> props;

    /**
     * Parses {@code props} (throwing on an invalid configuration) and returns what the start-up INFO line says
     * about it, e.g. {@code "table events"}.
     */
    protected abstract String describe(Map<String, String> props);

    @Override
    public void start(Map<String, String> props) {
        String description = describe(props);
        this.props = new HashMap<>(props);
        log.info("{} {} started: {}", getClass().getSimpleName(), props.get("name"), description);
        String isolation = SinkConsumerChecks.isolationWarning(props.get("name"), props);
        if (isolation != null) {
            log.warn(isolation);
        }
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> c = new HashMap<>(props);
            c.put(TASK_ID, String.valueOf(i));
            configs.add(c);
        }
        return configs;
    }

    @Override
    public void stop() {
        log.info("{} {} stopped", getClass().getSimpleName(), props == null ? null : props.get("name"));
    }
}
