namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>
/// The setup of the tests of the composed retry + breaker (pipelines from <see cref="ComposedPipelines"/>): a fake clock, the step in
/// which tests advance it while an operation waits out its delays, and a state provider. xUnit creates an instance per test.
/// </summary>
public abstract class ComposedRetryBreakerTestBase
{
    private protected static TimeSpan Step { get; } = TimeSpan.FromMilliseconds(100);

    private protected FakeTimeProvider Time { get; } = new();

    private protected AttemptAwareCircuitBreakerStateProvider Provider { get; } = new();
}
