namespace Polly.AttemptAwareBreaker.Tests.Classification;

/// <summary>
/// A standalone breaker measures an attempt's start only when something reads its duration: the slow-attempt rule, or a classifier
/// other than the built-in ones.
/// </summary>
public class IgnoresDurationAttributeTests
{
    [Fact]
    public void MayRead_BuiltInDefaultClassifier_False()
        => Assert.False(IgnoresDurationAttribute.MayRead(new AttemptAwareCircuitBreakerStrategyOptions<int>().Classifier));

    [Fact]
    public void MayRead_ClassifierFromShouldHandle_False()
        => Assert.False(IgnoresDurationAttribute.MayRead(OutcomeClassifiers.FromShouldHandle<int>(_ => new(true))));

    [Fact]
    public void MayRead_ClassifierOfTheUser_True()
        => Assert.True(IgnoresDurationAttribute.MayRead(new Func<OutcomeClassifierArguments<int>, ValueTask<OutcomeClass>>(args => new(OutcomeClass.Success))));

    [Fact]
    public async Task Classifier_DefaultClassifierWithSlowRule_SlowAttemptsStillMeasured()
    {
        var time = new FakeTimeProvider();
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = time }
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { SlowAttemptThreshold = TimeSpan.FromSeconds(1), StateProvider = provider })
            .Build();

        await pipeline.ExecuteAsync(
            static (t, _) =>
            {
                t.Advance(TimeSpan.FromSeconds(2));
                return new ValueTask<int>(200);
            },
            time,
            TestContext.Current.CancellationToken);

        Assert.Equal(1, provider.GetSnapshot().TotalSlowAttempts);
    }
}
