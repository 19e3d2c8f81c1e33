package dev.rerank.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A partition processed a chunk of rows at a time: the rows of a chunk go to the model together
 * (sorted by length and batched inside the engine), and the output rows come out in input order,
 * each an input row with the new columns appended. Chunks are taken lazily, so a partition of any
 * size needs memory for one chunk only.
 */
abstract class ChunkedPartition implements MapPartitionsFunction<Row, Row> {
    private final int threadsPerTask;
    private final int rowsPerCall;

    /**
     * @param threadsPerTask threads per task; 0 for the task's {@code spark.task.cpus}
     * @param rowsPerCall    texts (or pairs) each thread gets per engine call
     */
    ChunkedPartition(int threadsPerTask, int rowsPerCall) {
        this.threadsPerTask = threadsPerTask;
        this.rowsPerCall = rowsPerCall;
    }

    /** The new columns' values for each row of a chunk, in order; {@code threads} may score it. */
    abstract List<Object[]> process(List<Row> chunk, int threads);

    /** How many model inputs a row makes (pairs for a ranking row); chunks are cut by this. */
    int inputs(Row row) {
        return 1;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        int threads = TaskThreads.forThisTask(threadsPerTask);
        long perChunk = (long) rowsPerCall * threads;
        return new Iterator<>() {
            private Iterator<Row> ready = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!ready.hasNext() && input.hasNext()) {
                    List<Row> chunk = new ArrayList<>();
                    for (long taken = 0; taken < perChunk && input.hasNext(); ) {
                        Row row = input.next();
                        chunk.add(row);
                        taken += Math.max(1, inputs(row));
                    }
                    ready = appended(chunk, process(chunk, threads)).iterator();
                }
                return ready.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.next();
            }
        };
    }

    private static List<Row> appended(List<Row> rows, List<Object[]> extra) {
        List<Row> out = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            Object[] added = extra.get(r);
            Object[] values = new Object[row.length() + added.length];
            for (int c = 0; c < row.length(); c++) {
                values[c] = row.get(c);
            }
            System.arraycopy(added, 0, values, row.length(), added.length);
            out.add(RowFactory.create(values));
        }
        return out;
    }
}
