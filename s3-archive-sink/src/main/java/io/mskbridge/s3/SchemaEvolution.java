package io.mskbridge.s3;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaProjector;
import org.apache.kafka.connect.errors.DataException;

import io.mskbridge.s3.S3ArchiveSinkConfig.SchemaCompatibility;

/**
 * {@code s3.schema.compatibility=backward} for Avro and Parquet objects: whether a record of another value schema
 * joins the open batch, projected to the batch's schema with Connect's {@link SchemaProjector}, or starts a new
 * batch. The batch's schema is its first record's, so the decision is a function of the records.
 */
final class SchemaEvolution {

    private SchemaEvolution() {
    }

    /**
     * {@code value} of schema {@code from} projected to the open batch's {@code to}, or null when it is not to be
     * projected and starts a new batch: with {@code none}; a newer version by {@code Schema.version()}; without
     * versions, a schema with a field {@code to} lacks (projecting would drop it); a schema the projector refuses.
     */
    static Object projectToBatch(SchemaCompatibility compatibility, Schema from, Object value, Schema to) {
        if (from == to || from.equals(to)) {
            return value;
        }
        if (compatibility != SchemaCompatibility.BACKWARD || to.type() != Schema.Type.STRUCT
                || ValueSchema.isToken(to)) {
            return null;
        }
        boolean versioned = from.version() != null && to.version() != null;
        if (versioned ? from.version() > to.version() : !covers(to, from)) {
            return null;
        }
        try {
            return SchemaProjector.project(from, value, to);
        } catch (DataException e) { // SchemaProjectorException
            return null;
        }
    }

    /** Whether every field of {@code from}, nested ones included, has a field of the same name in {@code to}. */
    static boolean covers(Schema to, Schema from) {
        if (from.type() != to.type()) {
            return true; // the projector decides about primitives (promotions)
        }
        switch (from.type()) {
            case STRUCT:
                for (Field f : from.fields()) {
                    Field t = to.field(f.name());
                    if (t == null || !covers(t.schema(), f.schema())) {
                        return false;
                    }
                }
                return true;
            case ARRAY:
                return covers(to.valueSchema(), from.valueSchema());
            case MAP:
                return covers(to.keySchema(), from.keySchema()) && covers(to.valueSchema(), from.valueSchema());
            default:
                return true;
        }
    }
}
