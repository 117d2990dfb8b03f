using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.SharedState;

/// <summary>
/// The fleet's quorum (<see cref="SharedCircuitHost.MinimumFailingInstances"/>), driven through the public extension point with an
/// in-memory store: who counts as failing, when an opening is fleet-wide or local, and what the snapshot and telemetry say.
/// Breaker: failure ratio 0.5 over at least 10 attempts.
/// </summary>
public class FleetQuorumTests
{
    private static readonly InstanceHealth Healthy = new(20, 0, 0, 0);
    private static readonly InstanceHealth Sick = new(0, 20, 0, 20);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeSharedState _shared = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _provider = new();
    private readonly RecordingListener _listener = new();

    [Fact]
    public void ApplyFleetHealth_Quorum2OneOtherSick_HealthyInstanceStaysClosed()
    {
        Build(quorum: 2);

        _shared.Host.ApplyFleetHealth([Sick, Healthy]);

        // The fleet's counts (20 / 20) meet the ratio, but only one instance is failing.
        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
        Assert.Empty(_shared.Published);
    }

    [Fact]
    public void ApplyFleetHealth_Quorum1OneOtherSick_HealthyInstanceOpensFleetWide()
    {
        Build(quorum: 1);

        _shared.Host.ApplyFleetHealth([Sick, Healthy]);

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
        Assert.Equal(CircuitState.Open, Assert.Single(_shared.Published).State);
    }

    [Fact]
    public void ApplyFleetHealth_Quorum2TwoOthersSick_OpensFleetWideAndPublishes()
    {
        Build(quorum: 2);

        _shared.Host.ApplyFleetHealth([Sick, Sick, Healthy]);

        Assert.Equal(CircuitOpenScope.FleetWide, _provider.GetSnapshot().OpenScope);
        Assert.Equal(CircuitState.Open, Assert.Single(_shared.Published).State);
    }

    [Fact]
    public async Task Execute_Quorum2OwnFailuresOthersHealthy_OpensLocallyAfterItsOwnMinimumThroughput()
    {
        var pipeline = Build(quorum: 2);
        _shared.Host.ApplyFleetHealth([Healthy, Healthy, Healthy]);
        var downstream = Downstream.AlwaysFailing();

        while (_provider.CircuitState == CircuitState.Closed && downstream.Calls < 100)
        {
            await pipeline.RunAsync(downstream);
        }

        // Judged on its own counts, as an unshared breaker would be: 10 failures.
        Assert.Equal(10, downstream.Calls);
        Assert.Equal(CircuitOpenScope.Local, _provider.GetSnapshot().OpenScope);
        Assert.Empty(_shared.Published);
    }

    [Fact]
    public async Task Execute_Quorum2OneOtherSick_OpensFleetWideOnceItsOwnShareFails()
    {
        var pipeline = Build(quorum: 2);
        _shared.Host.ApplyFleetHealth([new InstanceHealth(0, 5, 0, 5)]);
        var downstream = Downstream.AlwaysFailing();

        while (_provider.CircuitState == CircuitState.Closed && downstream.Calls < 100)
        {
            await pipeline.RunAsync(downstream);
        }

        // With two active instances this one is failing after ⌈10 / 4⌉ = 3 failures; the fleet's counts trip at 5 + 5.
        Assert.Equal(5, downstream.Calls);
        Assert.Equal(CircuitOpenScope.FleetWide, _provider.GetSnapshot().OpenScope);
        Assert.Equal(CircuitState.Open, Assert.Single(_shared.Published).State);
    }

    [Fact]
    public async Task Snapshot_TwoActiveInstances_FailingOnceOwnFailuresReachHalfItsShareOfTheMinimum()
    {
        var pipeline = Build(quorum: 2);
        _shared.Host.ApplyFleetHealth([Healthy]);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        var afterTwo = _provider.GetSnapshot().FleetQuorum!.FailingInstances;

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        // ⌈10 / (2 × 2)⌉ = 3 attempts of its own.
        var quorum = _provider.GetSnapshot().FleetQuorum!;
        Assert.Equal((0, 1, 2, 2, false), (afterTwo, quorum.FailingInstances, quorum.ActiveInstances, quorum.MinimumFailingInstances, quorum.IsReached));
    }

    [Fact]
    public void ApplyFleetHealth_ManyActiveInstancesOneFailure_NotFailingBelowTwoAttempts()
    {
        Build(quorum: 2);

        // Twenty active instances would lower the minimum to 1 attempt each; at least 2 are needed.
        _shared.Host.ApplyFleetHealth([.. Enumerable.Repeat(Healthy, 18), new InstanceHealth(0, 1, 0, 0), new InstanceHealth(0, 1, 0, 0)]);

        Assert.Equal(0, _provider.GetSnapshot().FleetQuorum!.FailingInstances);
    }

    [Fact]
    public void ApplyFleetHealth_OthersRunOfFailuresReachesConsecutiveThreshold_CountsAsFailing()
    {
        Build(quorum: 2, consecutive: 3);

        _shared.Host.ApplyFleetHealth([new InstanceHealth(5, 3, 0, 3), new InstanceHealth(5, 2, 0, 2)]);

        Assert.Equal(1, _provider.GetSnapshot().FleetQuorum!.FailingInstances);
    }

    [Fact]
    public void ApplyFleetHealth_OtherOpenAndSick_CountsTowardsTheQuorum()
    {
        Build(quorum: 2);

        _shared.Host.ApplyFleetHealth([new InstanceHealth(0, 20, 0, 20, isCircuitOpen: true), Healthy]);

        var quorum = _provider.GetSnapshot().FleetQuorum!;
        Assert.Equal((1, 2), (quorum.FailingInstances, quorum.ActiveInstances));
    }

    [Fact]
    public async Task Execute_Quorum2LocalOpening_ReportsOpenedLocallyWithTheQuorum()
    {
        var pipeline = Build(quorum: 2, consecutive: 1);
        _shared.Host.ApplyFleetHealth([Healthy]);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        var local = Assert.Single(_listener.Events, e => e.Name == BreakerTelemetry.OnCircuitOpenedLocally);
        var quorum = Assert.IsType<FleetQuorum>(local.Arguments);
        Assert.Equal((1, 2, 2), (quorum.FailingInstances, quorum.ActiveInstances, quorum.MinimumFailingInstances));
        Assert.DoesNotContain(BreakerTelemetry.OnCircuitOpenedFleetWide, _listener.Names);
    }

    [Fact]
    public void ApplyFleetHealth_Quorum1Opening_ReportsOpenedFleetWideWithTheFailingCount()
    {
        Build(quorum: 1);

        _shared.Host.ApplyFleetHealth([Sick, Healthy]);

        var fleetWide = Assert.Single(_listener.Events, e => e.Name == BreakerTelemetry.OnCircuitOpenedFleetWide);
        var quorum = Assert.IsType<FleetQuorum>(fleetWide.Arguments);
        Assert.Equal((1, 2, 1), (quorum.FailingInstances, quorum.ActiveInstances, quorum.MinimumFailingInstances));
    }

    [Fact]
    public async Task Execute_LocalOpeningBreakOver_ProbeAsksForAFleetSlotToo()
    {
        _shared.ProbeAnswer = null;
        var pipeline = Build(quorum: 2, consecutive: 1);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);
        var downstream = new Downstream();

        await pipeline.RunAsync(downstream);

        // Instances that opened on their own before they saw each other's failures must not probe beyond the fleet's count.
        Assert.Equal(0, downstream.Calls);
        Assert.Single(_shared.ProbeLeases);
    }

    [Fact]
    public async Task Execute_LocalOpeningProbeSucceeds_ClosingNotPublished()
    {
        _shared.ProbeAnswer = 0;
        var pipeline = Build(quorum: 2, consecutive: 1);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
        Assert.Empty(_shared.Published);
    }

    [Fact]
    public async Task Execute_LocalOpeningProbeFails_OpensLocallyAgain()
    {
        _shared.ProbeAnswer = 0;
        var pipeline = Build(quorum: 2, consecutive: 1);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal((CircuitState.Open, CircuitOpenScope.Local), (_provider.CircuitState, _provider.GetSnapshot().OpenScope));
        Assert.Empty(_shared.Published);
    }

    [Fact]
    public async Task ApplyFleetOpened_WhileOpenLocally_LaterClosingIsPublished()
    {
        _shared.ProbeAnswer = 0;
        var pipeline = Build(quorum: 2, consecutive: 1);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + TimeSpan.FromSeconds(1));
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        // The fleet opened meanwhile: this instance's successful probe is the fleet's news.
        Assert.Equal((CircuitState.Closed, (DateTimeOffset?)null), Assert.Single(_shared.Published));
    }

    [Fact]
    public async Task ApplyFleetHealth_OpenLocallyOthersFailingMakeTheQuorum_JoinsTheFleetAndPublishesItsClosing()
    {
        _shared.ProbeAnswer = 0;
        var pipeline = Build(quorum: 2, consecutive: 1);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        // Another instance opened on its own failures too (both decided while they could not see each other).
        _shared.Host.ApplyFleetHealth([new InstanceHealth(0, 20, 0, 20, isCircuitOpen: true)]);
        _time.Advance(Breakers.Break);
        await pipeline.RunAsync(new Downstream());

        Assert.Equal(CircuitOpenScope.None, _provider.GetSnapshot().OpenScope);
        Assert.Equal((CircuitState.Closed, (DateTimeOffset?)null), Assert.Single(_shared.Published));
    }

    [Fact]
    public async Task ApplyFleetHealth_OpenLocallyNoOtherFailing_StaysLocal()
    {
        var pipeline = Build(quorum: 2, consecutive: 1);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        _shared.Host.ApplyFleetHealth([Healthy, Healthy]);

        Assert.Equal(CircuitOpenScope.Local, _provider.GetSnapshot().OpenScope);
    }

    [Fact]
    public async Task Execute_LocalOpeningStoreDegraded_ProbeRefused()
    {
        _shared.ProbeAnswer = 0;
        var pipeline = Build(quorum: 2, consecutive: 1);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _shared.Host.ReportDegraded(new TimeoutException("store down"));
        _time.Advance(Breakers.Break);
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        // Without the store, this instance cannot know whether the others opened too and probe.
        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public void Snapshot_FleetOpenedThisInstance_ScopeIsFleetWide()
    {
        Build(quorum: 2);

        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + TimeSpan.FromSeconds(3));

        Assert.Equal(CircuitOpenScope.FleetWide, _provider.GetSnapshot().OpenScope);
    }

    [Fact]
    public void Snapshot_Closed_ScopeNone()
    {
        Build(quorum: 2);

        Assert.Equal(CircuitOpenScope.None, _provider.GetSnapshot().OpenScope);
    }

    [Fact]
    public void Snapshot_BeforeTheRulesJudged_NoQuorum()
    {
        Build(quorum: 2);

        Assert.Null(_provider.GetSnapshot().FleetQuorum);
    }

    [Fact]
    public async Task Snapshot_BreakerNotShared_ScopeLocalWhileOpenAndNoQuorum()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(1, _provider), _time);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal((CircuitOpenScope.Local, (FleetQuorum?)null), (_provider.GetSnapshot().OpenScope, _provider.GetSnapshot().FleetQuorum));
    }

    [Fact]
    public async Task Execute_Quorum2StoreDegraded_OwnFailuresOpenLocally()
    {
        var pipeline = Build(quorum: 2, consecutive: 1);
        _shared.Host.ReportDegraded(new TimeoutException("store down"));

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitOpenScope.Local, _provider.GetSnapshot().OpenScope);
        Assert.Empty(_shared.Published);
    }

    [Fact]
    public void MinimumFailingInstances_Zero_ThrowsNamingTheSetting()
    {
        Build(quorum: 1);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _shared.Host.MinimumFailingInstances = 0);

        Assert.Contains("MinimumFailingInstances is 0; it must be at least 1.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InstanceHealth_NegativeCount_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new InstanceHealth(1, -2, 0, 0));

        Assert.Equal("failures", error.ParamName);
    }

    [Fact]
    public void MinimumFailingInstances_Set_ReadsBackTheValue()
    {
        Build(quorum: 3);

        Assert.Equal(3, _shared.Host.MinimumFailingInstances);
    }

    [Fact]
    public async Task Snapshot_DuringTheBreakGeneratorOfALocalOpening_ScopeLocal()
    {
        CircuitOpenScope? during = null;
        var pipeline = Build(quorum: 2, consecutive: 1, options => options.BreakDurationGenerator = _ =>
        {
            during = _provider.GetSnapshot().OpenScope;
            return new(Breakers.Break);
        });

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        // The fleet has not heard of the opening yet: the judgement that caused it (1 failing of quorum 2) tells the scope.
        Assert.Equal(CircuitOpenScope.Local, during);
    }

    [Fact]
    public async Task Snapshot_DuringTheBreakGeneratorOfAFleetWideOpening_ScopeFleetWide()
    {
        CircuitOpenScope? during = null;
        var pipeline = Build(quorum: 1, consecutive: 1, options => options.BreakDurationGenerator = _ =>
        {
            during = _provider.GetSnapshot().OpenScope;
            return new(Breakers.Break);
        });

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitOpenScope.FleetWide, during);
    }

    [Fact]
    public async Task ApplyFleetHealth_OpenLocallyOtherFailingOnItsShareOfTwo_ScopeBecomesFleetWide()
    {
        var pipeline = Build(quorum: 2, consecutive: 1);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        // This open instance is active: the other's 4 attempts reach its share, ⌈10 / (2 × 2)⌉ = 3 (alone it would need 5).
        _shared.Host.ApplyFleetHealth([new InstanceHealth(1, 3, 0, 0)]);

        Assert.Equal(CircuitOpenScope.FleetWide, _provider.GetSnapshot().OpenScope);
    }

    [Fact]
    public async Task Execute_Quorum2ServerRequestedBreak_OpensFleetWideAndPublishes()
    {
        var pipeline = Build(quorum: 2, configure: options => options.RequestedBreakGenerator = _ => new(TimeSpan.FromSeconds(2)));

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        // Not decided by the trip rules, so not by the quorum: the downstream's pause is the fleet's.
        Assert.Equal((CircuitState.Open, (DateTimeOffset?)(_time.GetUtcNow() + TimeSpan.FromSeconds(2))), Assert.Single(_shared.Published));
    }

    [Fact]
    public async Task Execute_Quorum2FleetOpenedProbeFails_OpensFleetWideAgainAndPublishes()
    {
        _shared.ProbeAnswer = 0;
        var pipeline = Build(quorum: 2);
        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + Breakers.Break);
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal((CircuitState.Open, (DateTimeOffset?)(_time.GetUtcNow() + Breakers.Break)), Assert.Single(_shared.Published));
    }

    [Fact]
    public void IsReached_FailingEqualsMinimum_True()
    {
        Assert.True(new FleetQuorum(activeInstances: 3, failingInstances: 2, minimumFailingInstances: 2).IsReached);
    }

    [Fact]
    public void ToString_Quorum_TellsFailingActiveAndMinimum()
    {
        Assert.Equal("2 of 3 instances failing (quorum 2)", new FleetQuorum(activeInstances: 3, failingInstances: 2, minimumFailingInstances: 2).ToString());
    }

    private ResiliencePipeline<int> Build(int quorum, int? consecutive = null, Action<AttemptAwareCircuitBreakerStrategyOptions<int>>? configure = null)
    {
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int>
        {
            Name = "breaker",
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            ConsecutiveFailureThreshold = consecutive,
            BreakDuration = Breakers.Break,
            StateProvider = _provider,
            SharedState = _shared,
        };
        configure?.Invoke(options);
        var pipeline = new ResiliencePipelineBuilder<int> { Name = "orders", TimeProvider = _time, TelemetryListener = _listener }
            .AddAttemptAwareCircuitBreaker(options)
            .Build();
        _shared.Host.MinimumFailingInstances = quorum;
        return pipeline;
    }
}
