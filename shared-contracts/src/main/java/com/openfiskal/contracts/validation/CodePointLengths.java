package com.openfiskal.contracts.validation;

import io.quarkus.hibernate.validator.ValidatorFactoryCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.constraints.Size;
import java.util.Collection;
import java.util.Map;
import org.hibernate.validator.BaseHibernateValidatorConfiguration;
import org.hibernate.validator.cfg.ConstraintMapping;

/**
 * String lengths of the contract are counted in Unicode code points (API.md §2.4), while Bean Validation's
 * {@code @Size} counts UTF-16 units: 255 emoji would be refused as 510 characters. The generated models
 * carry {@code @Size}, so its validators are replaced here, for strings by a code-point count and for
 * collections and maps by their size as before.
 */
@ApplicationScoped
public class CodePointLengths implements ValidatorFactoryCustomizer {

    @Override
    public void customize(BaseHibernateValidatorConfiguration<?> configuration) {
        ConstraintMapping mapping = configuration.createConstraintMapping();
        mapping.constraintDefinition(Size.class)
                .includeExistingValidators(false)
                .validatedBy(ForText.class)
                .validatedBy(ForCollection.class)
                .validatedBy(ForMap.class);
        configuration.addMapping(mapping);
    }

    /** The bounds of one {@code @Size}. */
    abstract static class Bounded<T> implements ConstraintValidator<Size, T> {
        private int min;
        private int max;

        @Override
        public void initialize(Size size) {
            min = size.min();
            max = size.max();
        }

        @Override
        public boolean isValid(T value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            int length = length(value);
            return length >= min && length <= max;
        }

        abstract int length(T value);
    }

    public static class ForText extends Bounded<CharSequence> {
        @Override
        int length(CharSequence value) {
            return Character.codePointCount(value, 0, value.length());
        }
    }

    public static class ForCollection extends Bounded<Collection<?>> {
        @Override
        int length(Collection<?> value) {
            return value.size();
        }
    }

    public static class ForMap extends Bounded<Map<?, ?>> {
        @Override
        int length(Map<?, ?> value) {
            return value.size();
        }
    }
}
