using System.ComponentModel.DataAnnotations;
using Polly.AttemptAwareBreaker.Redis.Tests.TestUtilities;
using StackExchange.Redis;

namespace Polly.AttemptAwareBreaker.Redis.Tests;

[Collection(RedisCollection.Name)]
public sealed class RedisSharedStateTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const int Threshold = 20;
    private const int Instances = 4;
    // Coarse enough that a scheduling hiccup of a few tens of milliseconds (CI runs the test projects side by side on two cores)
    // costs an instance a call or two rather than several.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan Flush = TimeSpan.FromMilliseconds(125);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static void RatioBreaker(AttemptAwareCircuitBreakerStrategyOptions<int> o)
    {
        o.MinimumThroughput = Threshold;
        o.FailureRatio = 0.5;
        o.BreakDuration = TimeSpan.FromMinutes(1);
    }

    [Fact]
    public async Task HardOutage_FourInstancesSharingTheCircuit_TotalCallsStayWithinThresholdPlusOneFlushPerInstance()
    {
        redis.RequireServer();
        await using var fleet = await Fleet.StartAsync(redis, Instances, RatioBreaker, o => o.FlushInterval = Flush);

        var total = await HardOutageAsync(fleet);

        // Each instance calls once per 25 ms: at most 6 calls fall within one 125 ms flush interval (one at each end).
        var bound = Threshold + (Instances * ((int)(Flush / Pace) + 1));
        TestContext.Current.TestOutputHelper?.WriteLine($"shared circuit: {total} downstream calls (bound {bound})");
        Assert.InRange(total, Threshold, bound);
    }

    [Fact]
    public async Task HardOutage_FourLocalBreakers_EachLetsItsThresholdThrough()
    {
        await using var fleet = await Fleet.StartAsync(null, Instances, RatioBreaker);

        var total = await HardOutageAsync(fleet);

        TestContext.Current.TestOutputHelper?.WriteLine($"local circuits: {total} downstream calls");
        Assert.Equal(Instances * Threshold, total);
    }

    [Fact]
    public async Task Opening_OneInstanceTrips_OthersRejectWithoutCallingTheDownstream()
    {
        redis.RequireServer();
        await using var fleet = await Fleet.StartAsync(redis, 3, o => o.ConsecutiveFailureThreshold = 1);
        await fleet.Instances[0].CallAsync();

        await Fleet.UntilAsync(() => fleet.Instances.All(i => i.State.CircuitState == CircuitState.Open), "every instance follows the opening", 5);
        var outcomes = await Task.WhenAll(fleet.Instances.Skip(1).Select(i => i.CallAsync()));

        Assert.All(outcomes, o => Assert.IsType<BrokenCircuitException>(o.Exception));
        Assert.Equal(1, fleet.Downstream.Calls);
    }

    [Fact]
    public async Task HalfOpen_FourInstancesFiveCallersEach_ExactlyTheConfiguredProbesFleetWide()
    {
        redis.RequireServer();
        await using var fleet = await Fleet.StartAsync(redis, Instances, o =>
        {
            o.ConsecutiveFailureThreshold = 1;
            o.BreakDuration = TimeSpan.FromMilliseconds(500);
            o.HalfOpenMaxProbes = 2;
        });
        await fleet.Instances[0].CallAsync();
        await Fleet.UntilAsync(() => fleet.Instances.All(i => i.State.CircuitState == CircuitState.Open), "every instance is open", 5);
        await Fleet.UntilAsync(() => fleet.Instances.All(i => i.State.GetSnapshot().RetryAfter is not { Ticks: > 0 }), "the break has elapsed", 5);
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        fleet.Downstream.Failing = false;
        var callsBefore = fleet.Downstream.Calls;

        // Every call that reaches the downstream (a probe) hangs until released, so no probe finishes before all callers asked.
        var calls = fleet.Instances.SelectMany(i => Enumerable.Range(0, 5).Select(_ => i.CallAsync(async d =>
        {
            await d.CallAsync();
            return await release.Task;
        }))).ToList();
        await Fleet.UntilAsync(() => calls.Count(c => c.IsCompleted) == (Instances * 5) - 2, "every caller but the probes is answered", 5);
        var probes = fleet.Downstream.Calls - callsBefore;
        release.SetResult(200);
        await Task.WhenAll(calls);

        Assert.Equal(2, probes);
    }

    [Fact]
    public async Task RedisKilledMidRun_CallersNeverSeeARedisErrorAndTheBreakerStillProtectsLocally()
    {
        redis.RequireServer();
        await using var fleet = await Fleet.StartAsync(redis, 2, RatioBreaker);
        fleet.Downstream.Failing = false;
        await fleet.Instances[0].CallAsync();

        await redis.KillAsync();
        try
        {
            fleet.Downstream.Failing = true;
            var outcomes = new List<Outcome<int>>();
            for (var i = 0; i < 3 * Threshold; i++)
            {
                outcomes.Add(await fleet.Instances[0].CallAsync());
            }

            Assert.All(outcomes, o => Assert.True(o.Exception is HttpRequestException or BrokenCircuitException, o.Exception?.ToString()));
            Assert.Equal(CircuitState.Open, fleet.Instances[0].State.CircuitState);
            Assert.InRange(fleet.Downstream.Calls, 1 + Threshold - 1, 1 + Threshold);
            await Fleet.UntilAsync(() => fleet.Instances[0].State.GetSnapshot().SharedState == SharedStateStatus.Degraded, "the snapshot reports the degradation");
        }
        finally
        {
            await redis.StartAsync();
        }
    }

    [Fact]
    public async Task RedisRestarted_InstancesReconnectAndFollowTheFleetAgain()
    {
        redis.RequireServer();
        await using var fleet = await Fleet.StartAsync(redis, 2, o => o.ConsecutiveFailureThreshold = 1);
        await redis.KillAsync();
        await Fleet.UntilAsync(() => fleet.Instances.All(i => i.State.GetSnapshot().SharedState == SharedStateStatus.Degraded), "both report Redis down");

        await redis.StartAsync();
        await Fleet.UntilAsync(() => fleet.Instances.All(i => i.State.GetSnapshot().SharedState == SharedStateStatus.Connected), "both reconnect", 20);
        await fleet.Instances[0].CallAsync();

        await Fleet.UntilAsync(() => fleet.Instances[1].State.CircuitState == CircuitState.Open, "the second instance follows the first one's opening", 5);
        Assert.Equal(1, fleet.Downstream.Calls);
    }

    [Fact]
    public async Task ClosedPath_ThousandSuccesses_SendNoCommandToRedis()
    {
        redis.RequireServer();
        await using var observer = await Fleet.ConnectAsync(redis);
        await using var fleet = await Fleet.StartAsync(redis, 1, RatioBreaker, o => o.FlushInterval = TimeSpan.FromSeconds(10));
        fleet.Downstream.Failing = false;
        await Fleet.UntilAsync(() => BreakerCommandsAsync(observer).Result > 0, "the breaker's first flush has reached Redis");
        var before = await BreakerCommandsAsync(observer);

        for (var i = 0; i < 1000; i++)
        {
            await fleet.Instances[0].CallAsync();
        }

        Assert.Equal(before, await BreakerCommandsAsync(observer));
        Assert.Equal(1000, fleet.Instances[0].State.GetSnapshot().TotalAttempts.Successes);
    }

    [Fact]
    public async Task UseRedis_PipelineWithoutName_FailsAtBuildAskingForOne()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=100");
        var builder = new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int>().UseRedis(connection));

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Contains("give the pipeline a name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseRedis_FlushIntervalOutOfRange_ThrowsNamingTheSettingAndTheRange()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=100");

        var error = Assert.Throws<ValidationException>(() =>
            new AttemptAwareCircuitBreakerStrategyOptions<int>().UseRedis(connection, o => o.FlushInterval = TimeSpan.FromMinutes(1)));

        Assert.Contains("FlushInterval is 00:01:00; the allowed range is 00:00:00.0100000 to 00:00:10 (inclusive).", error.Message, StringComparison.Ordinal);
    }

    private static async Task<int> HardOutageAsync(Fleet fleet)
    {
        // Every instance calls the failing downstream at a steady pace until its circuit rejects.
        await Task.WhenAll(fleet.Instances.Select(async instance =>
        {
            using var timer = new PeriodicTimer(Pace);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (instance.State.CircuitState != CircuitState.Open && await timer.WaitForNextTickAsync(limit.Token))
            {
                await instance.CallAsync();
            }
        }));

        return fleet.Downstream.Calls;
    }

    private static async Task<long> BreakerCommandsAsync(ConnectionMultiplexer connection)
    {
        // Calls of the commands the breaker sends (scripts, state writes, publications), as Redis counts them.
        string[] breakerCommands = ["cmdstat_eval", "cmdstat_evalsha", "cmdstat_set", "cmdstat_del", "cmdstat_publish", "cmdstat_hincrby"];
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var stats = await server.InfoAsync("commandstats");
        return stats.SelectMany(g => g)
            .Where(p => breakerCommands.Contains(p.Key, StringComparer.OrdinalIgnoreCase))
            .Sum(p => long.Parse(p.Value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
