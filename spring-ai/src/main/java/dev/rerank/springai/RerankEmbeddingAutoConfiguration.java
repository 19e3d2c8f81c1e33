package dev.rerank.springai;

import dev.rerank.SentenceEncoder;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The local embedding model, when {@code rerank.embedding.model} names one: a {@link SentenceEncoder}
 * (closed with the context) and the {@link RerankEmbeddingModel} on it. Either backs off when the
 * application defines its own (a {@code SentenceEncoder}; any {@code EmbeddingModel}).
 */
@AutoConfiguration
@EnableConfigurationProperties(RerankEmbeddingProperties.class)
@ConditionalOnProperty(prefix = RerankEmbeddingProperties.PREFIX, name = "model")
public class RerankEmbeddingAutoConfiguration {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SentenceEncoder rerankSentenceEncoder(RerankEmbeddingProperties properties) {
        return ModelLoader.sentenceEncoder(properties);
    }

    @Bean
    @ConditionalOnMissingBean(EmbeddingModel.class)
    public RerankEmbeddingModel rerankEmbeddingModel(SentenceEncoder encoder, RerankEmbeddingProperties properties,
                                                     ObjectProvider<ObservationRegistry> observationRegistry,
                                                     ObjectProvider<EmbeddingModelObservationConvention> observationConvention) {
        String prefix = RerankEmbeddingProperties.PREFIX;
        ModelLoader.check(prefix + ".prompt-name", properties.getPromptName(),
                () -> RerankEmbeddingModel.checkPrompt(encoder, properties.getPromptName()));
        ModelLoader.check(prefix + ".document-prompt-name", properties.getDocumentPromptName(),
                () -> RerankEmbeddingModel.checkPrompt(encoder, properties.getDocumentPromptName()));
        return RerankEmbeddingModel.builder(encoder)
                .modelName(properties.getModel())
                .promptName(properties.getPromptName())
                .documentPromptName(properties.getDocumentPromptName())
                .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
                .observationConvention(observationConvention.getIfAvailable())
                .build();
    }
}
