package dev.rerank.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a text input as {@code value} rows in at least {@code partitions} splits while keeping its
 * line order: Hadoop cuts the file at byte offsets, so part 0 holds the first lines, part 1 the
 * next, and the output part files come out in input order. (The DataFrame reader would keep a
 * small file in one partition, one task; a repartition would spread it but shuffle the order.)
 */
final class InputSplits {
    private static final StructType LINES = DataTypes.createStructType(List.of(Columns.nullable("value", DataTypes.StringType)));

    private InputSplits() {}

    static Dataset<Row> readText(SparkSession spark, String input, int partitions) {
        try {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(path)) {
                throw new IllegalArgumentException("input file not found: " + input);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + input + ": " + e.getMessage(), e);
        }
        JavaRDD<Row> lines = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .textFile(input, partitions).map(RowFactory::create);
        return spark.createDataFrame(lines, LINES);
    }
}
