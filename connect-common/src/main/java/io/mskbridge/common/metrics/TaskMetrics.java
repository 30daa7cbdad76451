package io.mskbridge.common.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.ObjectName;

import io.mskbridge.common.JmxRegistration;

/**
 * The metrics of one task, defined once and seen two ways: as the attributes of one MBean
 * ({@code kafka.connect.mskbridge:type=<type>,connector=<name>,task=<id>}, registered by {@link #register}) and
 * as the {@link MetricSample}s a publisher {@link #drain}s once per interval. Names follow {@link MetricNames}.
 *
 * <p>Updates (counters, summaries) are lock-free or take one short lock and never wait on a reader: metrics must
 * not slow data down. Families (a metric per key, e.g. per stream or per shard) are bounded: past
 * {@code maxKeys} keys, new keys are counted under {@value #OTHER}.
 */
public final class TaskMetrics implements DynamicMBean, AutoCloseable {

    /** The key that stands for every key past a family's bound. */
    public static final String OTHER = "Other";

    private final String type;
    private final String description;
    private final LongSupplier clock;
    /** JMX attributes in definition order (insertion-ordered; read far more often than written). */
    private final Map<String, Attr> attributes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Published> published = new CopyOnWriteArrayList<>();
    private JmxRegistration registration;

    private record Attr(String description, String type, Supplier<Object> value) {
    }

    /** A metric the publisher drains. */
    private interface Published {
        void drainInto(List<MetricSample> out, long now);
    }

    /**
     * @param type        the {@code type} key of the MBean name, e.g. {@code kinesis-source-task-metrics}
     * @param description what the MBean describes
     */
    public TaskMetrics(String type, String description) {
        this(type, description, System::currentTimeMillis);
    }

    public TaskMetrics(String type, String description, LongSupplier clock) {
        this.type = type;
        this.description = description;
        this.clock = clock;
    }

    /** A counter with no dimensions of its own. */
    public Counter counter(String name, MetricUnit unit, MetricScope scope, String doc) {
        return counter(name, unit, scope, doc, Map.of(), name);
    }

    /** A value read when JMX or the publisher asks; the publisher leaves out negative values ("no value yet"). */
    public void gauge(String name, MetricUnit unit, MetricScope scope, String doc, LongSupplier value) {
        gauge(name, unit, scope, doc, Map.of(), name, value);
    }

    /** Observations with their statistics (JMX: {@code <Name>Count}, {@code <Name>Avg}, {@code <Name>Max}). */
    public Summary summary(String name, MetricUnit unit, MetricScope scope, String doc) {
        return summary(name, unit, scope, doc, Map.of(), name);
    }

    /** A counter per key of {@code dimensions} (JMX attribute {@code <Name>.<key1>.<key2>}). */
    public Family<Counter> counters(String name, MetricUnit unit, MetricScope scope, String doc, int maxKeys,
                                    String... dimensions) {
        return new Family<>(name, maxKeys, dimensions, (dims, attr) -> counter(name, unit, scope, doc, dims, attr));
    }

    /** A summary per key of {@code dimensions}. */
    public Family<Summary> summaries(String name, MetricUnit unit, MetricScope scope, String doc, int maxKeys,
                                     String... dimensions) {
        return new Family<>(name, maxKeys, dimensions, (dims, attr) -> summary(name, unit, scope, doc, dims, attr));
    }

    /**
     * A gauge per key of {@code dimensions}: {@code value} maps a key's handle (what {@code handle} created for
     * it) to the gauge's value.
     */
    public <T> Family<T> gauges(String name, MetricUnit unit, MetricScope scope, String doc, int maxKeys,
                                Function<List<String>, T> handle, Function<T, Long> value, String... dimensions) {
        return new Family<>(name, maxKeys, dimensions, (dims, attr) -> {
            T h = handle.apply(List.copyOf(dims.values()));
            gauge(name, unit, scope, doc + " (" + String.join(", ", dims.values()) + ")", dims, attr,
                    () -> value.apply(h));
            return h;
        });
    }

    private Counter counter(String name, MetricUnit unit, MetricScope scope, String doc, Map<String, String> dims,
                            String attr) {
        MetricNames.check(name);
        Counter c = new Counter();
        if (scope.jmx) {
            attr(attr, doc, "long", c::get);
        }
        if (scope.cloudWatch) {
            published.add((out, now) -> {
                long d = c.drain();
                // Every interval, zeros included, for a task-level counter: an alarm needs data points.
                if (d > 0 || dims.isEmpty()) {
                    out.add(MetricSample.single(name, unit, dims, now, d));
                }
            });
        }
        return c;
    }

    private void gauge(String name, MetricUnit unit, MetricScope scope, String doc, Map<String, String> dims,
                       String attr, LongSupplier value) {
        MetricNames.check(name);
        if (scope.jmx) {
            attr(attr, doc, "long", value::getAsLong);
        }
        if (scope.cloudWatch) {
            published.add((out, now) -> {
                long v = value.getAsLong();
                if (v >= 0) {
                    out.add(MetricSample.single(name, unit, dims, now, v));
                }
            });
        }
    }

    private Summary summary(String name, MetricUnit unit, MetricScope scope, String doc, Map<String, String> dims,
                            String attr) {
        MetricNames.check(name);
        Summary s = new Summary();
        if (scope.jmx) {
            attr(attr + "Count", doc + ": observations", "long", s::count);
            attr(attr + "Avg", doc + ": mean", "double", s::average);
            attr(attr + "Max", doc + ": largest", "double", s::maximum);
        }
        if (scope.cloudWatch) {
            published.add((out, now) -> {
                double[] d = s.drain();
                if (d != null) {
                    out.add(new MetricSample(name, unit, dims, now, d[0], d[1], d[2], d[3]));
                }
            });
        }
        return s;
    }

    private void attr(String name, String doc, String type, Supplier<Object> value) {
        if (attributes.putIfAbsent(name, new Attr(doc, type, value)) != null) {
            throw new IllegalArgumentException("Metric attribute " + name + " is defined twice");
        }
    }

    /**
     * A metric per key, bounded: the first {@code maxKeys} keys get their own, later ones share {@value #OTHER}.
     */
    public static final class Family<T> {
        private final String name;
        private final int maxKeys;
        private final String[] dimensions;
        private final BiFunction<Map<String, String>, String, T> create;
        private final Map<List<String>, T> members = new ConcurrentHashMap<>();

        private Family(String name, int maxKeys, String[] dimensions,
                       BiFunction<Map<String, String>, String, T> create) {
            this.name = MetricNames.check(name);
            this.maxKeys = maxKeys;
            this.dimensions = dimensions.clone();
            for (String d : dimensions) {
                MetricNames.check(d);
            }
            this.create = create;
        }

        /** The member for these key values (one per dimension), created on first use. */
        public T get(String... key) {
            if (key.length != dimensions.length) {
                throw new IllegalArgumentException(name + " takes " + dimensions.length + " key(s)");
            }
            List<String> k = Arrays.asList(key);
            T m = members.get(k);
            if (m != null) {
                return m;
            }
            synchronized (members) {
                if (members.size() >= maxKeys && !members.containsKey(k)) {
                    String[] other = new String[key.length];
                    Arrays.fill(other, OTHER);
                    k = Arrays.asList(other);
                }
                return members.computeIfAbsent(k, kk -> {
                    Map<String, String> dims = new LinkedHashMap<>();
                    StringBuilder attr = new StringBuilder(name);
                    for (int i = 0; i < dimensions.length; i++) {
                        dims.put(dimensions[i], kk.get(i));
                        attr.append('.').append(MetricNames.escape(kk.get(i)));
                    }
                    return create.apply(Collections.unmodifiableMap(dims), attr.toString());
                });
            }
        }

        /** The members so far, by key. */
        public Map<List<String>, T> members() {
            return Collections.unmodifiableMap(members);
        }
    }

    /** What every published metric did since the previous call, stamped now. */
    public List<MetricSample> drain() {
        long now = clock.getAsLong();
        List<MetricSample> out = new ArrayList<>();
        for (Published p : published) {
            p.drainInto(out, now);
        }
        return out;
    }

    /** Registers the MBean (replacing a leftover of a previous incarnation of the same task in this JVM). */
    public synchronized TaskMetrics register(String connector, String task) {
        registration = JmxRegistration.register(this, type, connector, task);
        return this;
    }

    /** The MBean name of a task's metrics of this type. */
    public ObjectName objectName(String connector, String task) {
        return JmxRegistration.objectName(type, connector, task);
    }

    @Override
    public synchronized void close() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Attr a = attributes.get(attribute);
        if (a == null) {
            throw new AttributeNotFoundException(attribute);
        }
        return a.value().get();
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList l = new AttributeList();
        for (String n : names) {
            Attr a = attributes.get(n);
            if (a != null) {
                l.add(new Attribute(n, a.value().get()));
            }
        }
        return l;
    }

    @Override
    public AttributeList setAttributes(AttributeList list) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException(actionName);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        List<MBeanAttributeInfo> infos = new ArrayList<>();
        synchronized (attributes) {
            attributes.forEach((n, a) -> infos.add(new MBeanAttributeInfo(n, a.type(), a.description(), true,
                    false, false)));
        }
        return new MBeanInfo(getClass().getName(), description, infos.toArray(new MBeanAttributeInfo[0]), null,
                null, null);
    }
}
