using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

/// <summary>The standalone strategy: what it measures of each attempt it runs.</summary>
public class AttemptAwareCircuitBreakerResilienceStrategyTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Execute_ClassifierOfTheUserOnAClosedCircuit_ReadsTheAttemptsDuration()
    {
        var durations = new List<TimeSpan>();
        var options = Breakers.Consecutive(5);
        options.Classifier = args =>
        {
            durations.Add(args.Duration);
            return new(OutcomeClass.Success);
        };
        var pipeline = Breakers.Build(options, _time);

        await pipeline.RunAsync(new Downstream
        {
            Behaviour = _ =>
            {
                _time.Advance(TimeSpan.FromSeconds(2));
                return new(200);
            },
        });

        Assert.Equal([TimeSpan.FromSeconds(2)], durations);
    }
}
