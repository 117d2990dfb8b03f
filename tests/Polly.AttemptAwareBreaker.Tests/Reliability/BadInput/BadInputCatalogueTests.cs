using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Reliability.BadInput;

/// <summary>
/// The catalogue of bad input not already covered next to the feature it concerns: null arguments of the public entry points,
/// misuse of state providers, and a classifier that answers nonsense. Each fails at once (or, where only use can tell, at first use)
/// with a message that names what is wrong and what to do.
/// Covered elsewhere: every option out of range (CircuitBreaker/OptionsValidationTests, Retry/RetryOptionsValidationTests), Polly's
/// own StateProvider and ManualControl passed in (CircuitBreaker/DropInReplacementTests), misordered composition
/// (Retry/ComposedRetryBreakerTests), HTTP settings (Polly.AttemptAwareBreaker.Http.Tests), Redis settings (Polly.AttemptAwareBreaker.Redis.Tests).
/// </summary>
public class BadInputCatalogueTests
{
    public static TheoryData<string, Action, Type, string> Catalogue => new()
    {
        { "null shouldHandle", () => OutcomeClassifiers.FromShouldHandle<int>(null!), typeof(ArgumentNullException), "shouldHandle" },
        { "null gate options", () => _ = new AttemptAwareCircuitBreakerGate(null!), typeof(ArgumentNullException), "options" },
        { "null retry options", () => new ResiliencePipelineBuilder<int>().AddAttemptAwareRetryAndCircuitBreaker(null!, new AttemptAwareCircuitBreakerStrategyOptions<int>()), typeof(ArgumentNullException), "retry" },
        { "null breaker options in composition", () => new ResiliencePipelineBuilder<int>().AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions<int>(), null!), typeof(ArgumentNullException), "circuitBreaker" },
        { "null registry name", () => new AttemptAwareCircuitBreakerRegistry().GetSnapshot(null!), typeof(ArgumentNullException), "name" },
        { "unknown registry name", () => new AttemptAwareCircuitBreakerRegistry().GetSnapshot("orders/breaker"), typeof(KeyNotFoundException), "No attempt-aware circuit breaker named 'orders/breaker' is registered. Registered: none." },
        { "snapshot of an unbound state provider", () => new AttemptAwareCircuitBreakerStateProvider().GetSnapshot(), typeof(InvalidOperationException), "not bound to a breaker yet: assign it to the options' StateProvider and build the pipeline first" },
        { "one state provider for two breakers", SharedStateProvider, typeof(InvalidOperationException), "already bound to a circuit breaker; use one instance per breaker" },
        { "report on a refused permit", RefusedPermitReport, typeof(InvalidOperationException), "This permit was not granted, so there is no attempt to report." },
        { "null builder for the breaker", () => AttemptAwareCircuitBreakerResiliencePipelineBuilderExtensions.AddAttemptAwareCircuitBreaker<int>(null!, new AttemptAwareCircuitBreakerStrategyOptions<int>()), typeof(ArgumentNullException), "builder" },
        { "null breaker options", () => new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker((AttemptAwareCircuitBreakerStrategyOptions<int>)null!), typeof(ArgumentNullException), "options" },
        { "null non-generic builder for the breaker", () => AttemptAwareCircuitBreakerResiliencePipelineBuilderExtensions.AddAttemptAwareCircuitBreaker(null!, new AttemptAwareCircuitBreakerStrategyOptions()), typeof(ArgumentNullException), "builder" },
        { "null non-generic breaker options", () => new ResiliencePipelineBuilder().AddAttemptAwareCircuitBreaker((AttemptAwareCircuitBreakerStrategyOptions)null!), typeof(ArgumentNullException), "options" },
        { "null builder for Polly's options", () => AttemptAwareCircuitBreakerResiliencePipelineBuilderExtensions.AddAttemptAwareCircuitBreaker<int>(null!, new CircuitBreakerStrategyOptions<int>()), typeof(ArgumentNullException), "builder" },
        { "null Polly options", () => new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker((CircuitBreakerStrategyOptions<int>)null!), typeof(ArgumentNullException), "options" },
        { "null non-generic builder for Polly's options", () => AttemptAwareCircuitBreakerResiliencePipelineBuilderExtensions.AddAttemptAwareCircuitBreaker(null!, new CircuitBreakerStrategyOptions()), typeof(ArgumentNullException), "builder" },
        { "null non-generic Polly options", () => new ResiliencePipelineBuilder().AddAttemptAwareCircuitBreaker((CircuitBreakerStrategyOptions)null!), typeof(ArgumentNullException), "options" },
        { "Polly options without ShouldHandle", () => new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(new CircuitBreakerStrategyOptions<int> { ShouldHandle = null! }), typeof(System.ComponentModel.DataAnnotations.ValidationException), "ShouldHandle is null; it is required." },
        { "null builder for the composition", () => AttemptAwareRetryResiliencePipelineBuilderExtensions.AddAttemptAwareRetryAndCircuitBreaker<int>(null!, new AttemptAwareRetryStrategyOptions<int>(), new AttemptAwareCircuitBreakerStrategyOptions<int>()), typeof(ArgumentNullException), "builder" },
        { "null retry options in the non-generic composition", () => new ResiliencePipelineBuilder().AddAttemptAwareRetryAndCircuitBreaker(null!, new AttemptAwareCircuitBreakerStrategyOptions()), typeof(ArgumentNullException), "retry" },
        { "null breaker options in the non-generic composition", () => new ResiliencePipelineBuilder().AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions(), null!), typeof(ArgumentNullException), "circuitBreaker" },
        { "invalid retry options in the non-generic composition", () => new ResiliencePipelineBuilder().AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions { MaxRetryAttempts = 0 }, new AttemptAwareCircuitBreakerStrategyOptions()), typeof(System.ComponentModel.DataAnnotations.ValidationException), "MaxRetryAttempts is 0; the allowed range is 1 to int.MaxValue" },
        { "null context for the cancellation check", () => OutcomeClassifiers.IsCallerCancellation(new OperationCanceledException(), null!), typeof(ArgumentNullException), "context" },
        { "null registry name to look up", () => new AttemptAwareCircuitBreakerRegistry().Contains(null!), typeof(ArgumentNullException), "name" },
    };

    [Theory]
    [MemberData(nameof(Catalogue))]
    public void BadInput_FailsAtOnceWithAClearMessage(string input, Action act, Type expected, string message)
    {
        var error = Assert.ThrowsAny<Exception>(act);

        Assert.True(error.GetType() == expected, $"{input}: {error.GetType().Name} instead of {expected.Name}");
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classifier_ReturnsAnUndefinedClass_CallFailsNamingTheValueAndCountsAFailure()
    {
        var state = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<int>()
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { Classifier = _ => new((OutcomeClass)9), StateProvider = state })
            .Build();

        var outcome = await pipeline.RunAsync(Downstream.Answering(200));

        Assert.Equal("The outcome classifier returned 9, which is not a defined OutcomeClass value.", Assert.IsType<InvalidOperationException>(outcome.Exception).Message);
        Assert.Equal(1, state.GetSnapshot().TotalAttempts.PermanentFailures);
    }

    private static void SharedStateProvider()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = provider }).Build();
        new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = provider }).Build();
    }

    private static void RefusedPermitReport()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(new() { ManualControl = new AttemptAwareCircuitBreakerManualControl(isIsolated: true) });
        var permit = gate.TryAcquireAsync().AsTask().GetAwaiter().GetResult();
        _ = permit.ReportAsync(OutcomeClass.Success);
    }
}
