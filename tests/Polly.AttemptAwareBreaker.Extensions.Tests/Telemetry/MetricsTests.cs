using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Polly.AttemptAwareBreaker.Extensions.Tests.TestUtilities;
using Polly.AttemptAwareBreaker.Telemetry;

namespace Polly.AttemptAwareBreaker.Extensions.Tests.Telemetry;

public sealed class MetricsTests : IDisposable
{
    private const string Breaker = "payments/AttemptAwareCircuitBreaker";
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];
    private object? _meterScope;

    public MetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AttemptAwareBreakerMetrics.MeterName && (_meterScope is null || instrument.Meter.Scope == _meterScope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task AttemptsAndOperations_AfterRunWithRetries_EqualTheSnapshotExactly()
    {
        using var app = Start(new()
        {
            ["Payments:Retry:MaxRetryAttempts"] = "2",
            ["Payments:Retry:Delay"] = "00:00:00",
            ["Payments:CircuitBreaker:ConsecutiveFailureThreshold"] = "1000",
            ["Payments:CircuitBreaker:MinimumThroughput"] = "100000",
        });
        var calls = 0;
        for (var i = 0; i < 50; i++)
        {
            await app.RunAsync(() => ++calls % 3 != 0);
        }

        _listener.RecordObservableInstruments();
        var snapshot = app.Registry.GetSnapshot(Breaker);

        foreach (var cls in Enum.GetValues<OutcomeClass>())
        {
            Assert.Equal(snapshot.TotalAttempts[cls], Value("polly.attempt_aware.attempts", cls));
            Assert.Equal(snapshot.TotalOperations[cls], Value("polly.attempt_aware.operations", cls));
        }

        Assert.True(snapshot.TotalAttempts.Total > snapshot.TotalOperations.Total);
    }

    [Fact]
    public async Task SlowAttempts_SlowThresholdFromConfiguration_EqualTheSnapshot()
    {
        using var app = Start(new()
        {
            ["Payments:Retry:Delay"] = "00:00:00",
            ["Payments:CircuitBreaker:SlowAttemptThreshold"] = "00:00:01",
            ["Payments:CircuitBreaker:MinimumThroughput"] = "100000",
        });
        await app.RunAsync(() =>
        {
            app.Time.Advance(TimeSpan.FromSeconds(2));
            return false;
        });
        await app.RunAsync(() => false);

        _listener.RecordObservableInstruments();

        Assert.Equal(1, app.Registry.GetSnapshot(Breaker).TotalSlowAttempts);
        Assert.Equal(1, Value("polly.attempt_aware.slow_attempts"));
    }

    [Fact]
    public async Task State_ShadowBreaker_TaggedShadow()
    {
        using var app = Start(new()
        {
            ["Payments:Retry:Delay"] = "00:00:00",
            ["Payments:CircuitBreaker:Enforcement"] = "Shadow",
        });
        await app.RunAsync(() => false);

        _listener.RecordObservableInstruments();

        var state = Assert.Single(_measurements, m => m.Instrument == "polly.attempt_aware.circuit.state");
        Assert.Equal("shadow", state.Tags["polly.attempt_aware.enforcement"]);
    }

    [Fact]
    public async Task StateAndRejections_OpenCircuit_GaugeIsOneAndRejectionsCounted()
    {
        using var app = Start(new()
        {
            ["Payments:Retry:Delay"] = "00:00:00",
            ["Payments:CircuitBreaker:ConsecutiveFailureThreshold"] = "2",
        });
        await app.RunAsync(() => true);
        await app.RunAsync(() => false);
        await app.RunAsync(() => false);

        _listener.RecordObservableInstruments();

        Assert.Equal(1, Value("polly.attempt_aware.circuit.state"));
        Assert.Equal(2, Value("polly.attempt_aware.rejections"));
    }

    [Fact]
    public async Task BudgetExhausted_RetriesBeyondTheBudget_AreCounted()
    {
        using var app = Start(new()
        {
            ["Payments:Retry:MaxRetryAttempts"] = "5",
            ["Payments:Retry:Delay"] = "00:00:00",
            ["Payments:Retry:RetryBudget:MinRetriesPerSecond"] = "1",
            ["Payments:Retry:RetryBudget:RetryRatio"] = "0",
            ["Payments:CircuitBreaker:ConsecutiveFailureThreshold"] = "1000",
            ["Payments:CircuitBreaker:MinimumThroughput"] = "100000",
        });

        for (var i = 0; i < 4; i++)
        {
            await app.RunAsync(() => true);
        }

        // Every operation fails on every attempt, so each one ends when the budget refuses its next retry (not at 5 retries).
        Assert.True(app.Registry.GetSnapshot(Breaker).TotalAttempts.Total < 4 * 6);
        Assert.Equal(4, _measurements.Count(m => m.Instrument == "polly.attempt_aware.retry.budget_exhausted" && Equals(m.Tags["pipeline.name"], "payments")));
    }

    [Fact]
    public async Task OpenScopeAndFailingInstances_SharedCircuitOpensLocally_GaugesLocalAndOneFailingInstance()
    {
        var shared = new QuorumSharedState();
        using var app = Start(
            new()
            {
                ["Payments:Retry:Delay"] = "00:00:00",
                ["Payments:CircuitBreaker:ConsecutiveFailureThreshold"] = "1",
            },
            services => services.PostConfigure<AttemptAwareRetryAndCircuitBreakerOptions>(AppServices.Pipeline, o => o.CircuitBreaker.SharedState = shared));
        shared.Host.ApplyFleetHealth([new InstanceHealth(20, 0, 0, 0)]);

        await app.RunAsync(() => true);
        _listener.RecordObservableInstruments();

        Assert.Equal(1, Value("polly.attempt_aware.circuit.open_scope"));
        Assert.Equal(1, Value("polly.attempt_aware.fleet.failing_instances"));
        Assert.Equal(2, _measurements.Single(m => m.Instrument == "polly.attempt_aware.fleet.failing_instances").Tags["polly.fleet.quorum"]);
    }

    [Fact]
    public async Task FailingInstances_BreakerNotShared_NotMeasured()
    {
        using var app = Start(new() { ["Payments:Retry:Delay"] = "00:00:00" });
        await app.RunAsync(() => true);

        _listener.RecordObservableInstruments();

        Assert.DoesNotContain(_measurements, m => m.Instrument == "polly.attempt_aware.fleet.failing_instances");
        Assert.Equal(0, Value("polly.attempt_aware.circuit.open_scope"));
    }

    private AppServices Start(Dictionary<string, string?> settings, Action<IServiceCollection>? extra = null)
    {
        var app = AppServices.WithRetryAndBreaker(settings, extra);
        _ = app.Resilience;
        _meterScope = app.Provider.GetRequiredService<IMeterFactory>();
        _listener.Start();
        return app;
    }

    private long Value(string instrument, OutcomeClass? cls = null)
    {
        var tag = cls switch
        {
            OutcomeClass.Success => "success",
            OutcomeClass.TransientFailure => "transient_failure",
            OutcomeClass.PermanentFailure => "permanent_failure",
            OutcomeClass.Ignored => "ignored",
            _ => null,
        };

        return _measurements
            .Where(m => m.Instrument == instrument && Equals(m.Tags["polly.breaker.name"], Breaker))
            .Where(m => tag is null || Equals(m.Tags["polly.outcome.class"], tag))
            .Select(m => m.Value)
            .Single();
    }

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, copy));
        }
    }
}
