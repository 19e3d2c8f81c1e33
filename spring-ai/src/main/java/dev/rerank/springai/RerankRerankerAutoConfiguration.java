package dev.rerank.springai;

import dev.rerank.CrossEncoder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The local reranker, when {@code rerank.reranker.model} names one: a {@link CrossEncoder} (closed
 * with the context) and the {@link RerankDocumentPostProcessor} on it, for a
 * {@code RetrievalAugmentationAdvisor}'s {@code documentPostProcessors}. Either backs off when the
 * application defines its own.
 */
@AutoConfiguration
@EnableConfigurationProperties(RerankRerankerProperties.class)
@ConditionalOnProperty(prefix = RerankRerankerProperties.PREFIX, name = "model")
public class RerankRerankerAutoConfiguration {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public CrossEncoder rerankCrossEncoder(RerankRerankerProperties properties) {
        return ModelLoader.crossEncoder(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    public RerankDocumentPostProcessor rerankDocumentPostProcessor(CrossEncoder crossEncoder, RerankRerankerProperties properties) {
        String prefix = RerankRerankerProperties.PREFIX;
        RerankDocumentPostProcessor.Builder builder = RerankDocumentPostProcessor.builder(crossEncoder);
        ModelLoader.check(prefix + ".top-n", properties.getTopN(), () -> builder.topN(properties.getTopN()));
        ModelLoader.check(prefix + ".min-score", properties.getMinScore(), () -> builder.minScore(properties.getMinScore()));
        return builder.build(); // refuses an application's own CrossEncoder bean that is a classifier
    }
}
