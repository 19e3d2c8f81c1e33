package dev.rerank.spark;

import java.util.Arrays;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks of the input columns and the output schema, made on the driver when the job is defined,
 * so that a wrong column name or type is reported at once, by name, rather than as a failed task.
 */
final class Columns {
    /** An array of floats that may not contain nulls (logits, probabilities, embeddings). */
    static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, false);

    private Columns() {}

    /** The position of a string column; fails naming it if it is missing or of another type. */
    static int strings(StructType schema, String name) {
        int index = find(schema, name);
        DataType type = schema.fields()[index].dataType();
        if (!type.equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column '" + name + "' is " + type.simpleString()
                    + ", not a string: cast it first, e.g. col(\"" + name + "\").cast(\"string\")");
        }
        return index;
    }

    /** The position of an array-of-strings column; fails naming it if it is missing or of another type. */
    static int stringArrays(StructType schema, String name) {
        int index = find(schema, name);
        DataType type = schema.fields()[index].dataType();
        if (!(type instanceof ArrayType a) || !a.elementType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column '" + name + "' is " + type.simpleString() + ", not an array<string>");
        }
        return index;
    }

    /** The input schema with the output columns after it; fails if one is already taken. */
    static StructType append(StructType schema, StructField... added) {
        StructType out = schema;
        for (StructField f : added) {
            if (Arrays.asList(schema.fieldNames()).contains(f.name())) {
                throw new IllegalArgumentException("the input already has a column named '" + f.name()
                        + "', which the output needs: rename or drop it first");
            }
            out = out.add(f);
        }
        return out;
    }

    static StructField nullable(String name, DataType type) {
        return DataTypes.createStructField(name, type, true);
    }

    /** The error column's text for a null input. */
    static String isNull(String column) {
        return "column '" + column + "' is null";
    }

    private static int find(StructType schema, String name) {
        int index = Arrays.asList(schema.fieldNames()).indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("no column named '" + name + "' (the input has: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        return index;
    }
}
