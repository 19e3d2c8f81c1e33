package example;

import dev.rerank.springai.RerankDocumentPostProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.rag.Query;
import org.springframework.ai.rag.retrieval.search.DocumentRetriever;
import org.springframework.ai.rag.retrieval.search.VectorStoreDocumentRetriever;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;

/**
 * Retrieval-augmented generation without the generation: documents into Spring AI's
 * SimpleVectorStore through the local embedding model, a query's nearest documents retrieved,
 * then reranked by the local cross-encoder and printed. Both models come from rerank-spring-ai's
 * auto-configuration (application.properties: rerank.embedding.*, rerank.reranker.*). The
 * retriever and the reranker are what a RetrievalAugmentationAdvisor runs before it calls a chat
 * model (README: where a ChatClient plugs in).
 */
@SpringBootApplication
public class RagApplication {
    public static void main(String[] args) {
        SpringApplication.run(RagApplication.class, args);
    }

    /** documents.txt, one document a line, embedded by the local embedding model. */
    @Bean
    SimpleVectorStore vectorStore(EmbeddingModel embeddingModel) throws IOException {
        SimpleVectorStore store = SimpleVectorStore.builder(embeddingModel).build();
        store.add(documents().stream().map(Document::new).toList());
        return store;
    }

    @Bean
    DocumentRetriever retriever(VectorStore vectorStore, @Value("${example.retrieve}") int topK) {
        return VectorStoreDocumentRetriever.builder().vectorStore(vectorStore).topK(topK).build();
    }

    /** The query (the command line's words, or example.query): retrieved, reranked, printed. */
    @Bean
    ApplicationRunner search(DocumentRetriever retriever, RerankDocumentPostProcessor reranker,
                             @Value("${example.query}") String defaultQuery,
                             @Value("${rerank.embedding.model}") String embeddingModel,
                             @Value("${rerank.reranker.model}") String rerankerModel) {
        return args -> {
            Query query = new Query(args.getNonOptionArgs().isEmpty() ? defaultQuery : String.join(" ", args.getNonOptionArgs()));
            System.out.println("Query: " + query.text());
            List<Document> retrieved = retriever.retrieve(query);
            System.out.printf("%nRetrieved by the vector store (%s): %d of %d documents, by cosine similarity%n",
                    embeddingModel, retrieved.size(), documents().size());
            for (Document d : retrieved) {
                System.out.printf(Locale.ROOT, "  %8.4f  %s%n", d.getScore(), d.getText());
            }
            List<Document> reranked = reranker.process(query, retrieved);
            System.out.printf("%nReranked by the cross-encoder (%s): the best %d%n", rerankerModel, reranked.size());
            for (int i = 0; i < reranked.size(); i++) {
                System.out.printf(Locale.ROOT, "  %d. %8.4f  %s%n", i + 1, reranked.get(i).getScore(), reranked.get(i).getText());
            }
        };
    }

    private static List<String> documents() throws IOException {
        String text = new ClassPathResource("documents.txt").getContentAsString(StandardCharsets.UTF_8);
        return text.lines().filter(line -> !line.isBlank()).toList();
    }
}
