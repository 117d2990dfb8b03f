using System.ComponentModel.DataAnnotations;

namespace Polly.AttemptAwareBreaker.Tests.Utils;

/// <summary>
/// The shared validation helpers: the exception message of a builder call, the key-path messages the DI and HTTP packages show at
/// start-up, and the range attribute's wording.
/// </summary>
public class OptionsValidationTests
{
    [Fact]
    public void Validate_InvalidOptions_MessageNamesTheOptionsThenListsEachError()
    {
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int> { FailureRatio = 2, HalfOpenMaxProbes = 0 };

        var error = Assert.Throws<ValidationException>(() => OptionsValidation.Validate(options, "Breaker options"));

        var lines = error.Message.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("The 'Breaker options' are invalid.", lines[0]);
        Assert.Equal("Validation Errors:", lines[1]);
        Assert.Equal(2, lines.Length - 2);
    }

    [Fact]
    public void CollectErrors_NullOptions_SaysTheKeyIsRequired()
    {
        var errors = new List<string>();

        OptionsValidation.CollectErrors(null, "Resilience:Retry", errors);

        Assert.Equal(["Resilience:Retry is null; it is required."], errors);
    }

    [Fact]
    public void CollectErrors_ValidOptions_AddsNothing()
    {
        var errors = new List<string>();

        OptionsValidation.CollectErrors(new AttemptAwareCircuitBreakerStrategyOptions<int>(), "Breaker", errors);

        Assert.Empty(errors);
    }

    [Fact]
    public void CollectErrors_OutOfRange_PrefixesTheKeyToTheMemberNamingMessage()
    {
        var errors = new List<string>();

        OptionsValidation.CollectErrors(new AttemptAwareCircuitBreakerStrategyOptions<int> { FailureRatio = 2 }, "Resilience:CircuitBreaker", errors);

        Assert.Equal(["Resilience:CircuitBreaker:FailureRatio is 2; the allowed range is 0 to 1 (inclusive)."], errors);
    }

    [Fact]
    public void CollectErrors_NestedOptionOutOfRange_NamesItByItsConfigurationKey()
    {
        var errors = new List<string>();

        OptionsValidation.CollectErrors(
            new AttemptAwareCircuitBreakerStrategyOptions<int> { AdaptiveThrottling = new() { Multiplier = 0.9 } }, "Resilience:CircuitBreaker", errors);

        Assert.Equal(["Resilience:CircuitBreaker:AdaptiveThrottling:Multiplier is 0.9; the allowed range is 1 to 10 (inclusive)."], errors);
    }

    [Fact]
    public void CollectErrors_MessageNotStartingWithMember_AddsKeyAndMember()
    {
        var errors = new List<string>();

        OptionsValidation.CollectErrors(new AttemptAwareCircuitBreakerStrategyOptions<int> { Classifier = null! }, "Breaker", errors);

        var error = Assert.Single(errors);
        Assert.StartsWith("Breaker:Classifier: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CollectErrors_ErrorWithoutMember_PrefixesTheKeyOnly()
    {
        var errors = new List<string>();

        OptionsValidation.CollectErrors(new WholeObjectInvalid("the delays do not fit the timeout"), "Resilience", errors);

        Assert.Equal(["Resilience: the delays do not fit the timeout"], errors);
    }

    [Fact]
    public void CollectErrors_ErrorWithoutText_SaysInvalid()
    {
        var errors = new List<string>();

        OptionsValidation.CollectErrors(new WholeObjectInvalid(null), "Resilience", errors);

        Assert.Equal(["Resilience: is invalid."], errors);
    }

    [Fact]
    public void ValueRange_ValidatedOutsideAnObject_NamesTheDisplayNameAsMember()
    {
        var result = new ValueRangeAttribute(1, 10).GetValidationResult(0, new ValidationContext(new object()) { DisplayName = "Probes" });

        Assert.Equal("Probes is 0; the allowed range is 1 to 10 (inclusive).", result?.ErrorMessage);
        Assert.Equal(["Probes"], result?.MemberNames);
    }

    [Fact]
    public void ValueRange_MemberNameSet_ReportsItAsTheMember()
    {
        var context = new ValidationContext(new object()) { DisplayName = "Shown", MemberName = "HalfOpenMaxProbes" };

        var result = new ValueRangeAttribute(1, 10).GetValidationResult(11, context);

        Assert.Equal(["HalfOpenMaxProbes"], result?.MemberNames);
        Assert.StartsWith("HalfOpenMaxProbes is 11;", result?.ErrorMessage, StringComparison.Ordinal);
    }

    private sealed class WholeObjectInvalid(string? message) : IValidatableObject
    {
        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => [new ValidationResult(message)];
    }
}
