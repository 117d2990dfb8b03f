using System.Diagnostics;
using Polly.AttemptAwareBreaker.Redis.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Redis.Tests;

/// <summary>The break the fleet follows: its length, and what happens once it ends, against a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class FleetBreakTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Opening_GeneratorGivesALongerBreak_OtherInstanceStaysOpenForTheGeneratedBreak()
    {
        redis.RequireServer();
        var generated = TimeSpan.FromSeconds(3);
        await using var fleet = await Fleet.StartAsync(redis, 2, o =>
        {
            o.ConsecutiveFailureThreshold = 1;
            o.BreakDuration = TimeSpan.FromSeconds(1);
            o.BreakDurationGenerator = _ => new ValueTask<TimeSpan>(generated);
        });
        var clock = Stopwatch.StartNew();

        await fleet.Instances[0].CallAsync();
        await Fleet.UntilAsync(() => fleet.Instances[1].State.CircuitState == CircuitState.Open, "the other instance follows the opening", 5);
        var rejection = Assert.IsType<BrokenCircuitException>((await fleet.Instances[1].CallAsync()).Exception);
        await Fleet.UntilAsync(() => fleet.Instances[1].State.GetSnapshot().RetryAfter is not { Ticks: > 0 }, "the other instance's break ends", 10);
        var open = clock.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine($"follower: RetryAfter {rejection.RetryAfter}, open for {open} (generated break {generated})");
        Assert.InRange(rejection.RetryAfter!.Value, generated - TimeSpan.FromSeconds(1), generated);
        Assert.InRange(open, generated - TimeSpan.FromMilliseconds(50), generated + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Closing_ProbeSucceedsAfterFleetOpenedOnTheRatio_FleetStaysClosed()
    {
        redis.RequireServer();
        await using var fleet = await Fleet.StartAsync(redis, 2, o =>
        {
            o.MinimumThroughput = 10;
            o.FailureRatio = 0.5;
            o.BreakDuration = TimeSpan.FromMilliseconds(500);
        });
        while (fleet.Instances[0].State.CircuitState == CircuitState.Closed && fleet.Downstream.Calls < 100)
        {
            await fleet.Instances[0].CallAsync();
            await fleet.Instances[1].CallAsync();
        }

        await Fleet.UntilAsync(() => fleet.Instances.All(i => i.State.CircuitState == CircuitState.Open), "both instances are open", 5);
        fleet.Downstream.Failing = false;
        await Fleet.UntilAsync(() => fleet.Instances[0].State.GetSnapshot().RetryAfter is not { Ticks: > 0 }, "the break has elapsed", 5);
        await fleet.Instances[0].CallAsync();
        await Fleet.UntilAsync(() => fleet.Instances.All(i => i.State.CircuitState == CircuitState.Closed), "both instances close", 5);

        // The failures that opened the fleet are still in the sampling window (30 s): they must not open it again.
        var reopened = await Fleet.EventuallyAsync(() => fleet.Instances.Any(i => i.State.CircuitState != CircuitState.Closed), TimeSpan.FromSeconds(1));

        Assert.False(reopened);
    }
}
