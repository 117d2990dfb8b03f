using System.ComponentModel.DataAnnotations;
using Polly.AttemptAwareBreaker.Redis.Tests.TestUtilities;
using StackExchange.Redis;

namespace Polly.AttemptAwareBreaker.Redis.Tests;

/// <summary>
/// The fleet's quorum against a real redis-server: one sick instance (its own network, a bad deploy) among four, and a hard outage of
/// the downstream for all four. Each instance calls every 25 ms; flush interval 125 ms.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class FleetQuorumTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const int Threshold = 20;
    private const int Instances = 4;
    private const int CallsPerInstance = 120;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan Flush = TimeSpan.FromMilliseconds(125);

    [Fact]
    public async Task OneSickInstance_Quorum2_HealthyInstancesRejectNothing()
    {
        redis.RequireServer();
        await using var fleet = await Fleet.StartAsync(redis, Instances, SickRatioBreaker, o => Shared(o, quorum: 2));

        var run = await OneSickInstanceAsync(fleet);

        Report(run, quorum: 2);
        Assert.Equal(0, run.HealthyRejected);
    }

    [Fact]
    public async Task OneSickInstance_Quorum2_SickInstanceOpensLocallyAfterItsOwnMinimumThroughput()
    {
        redis.RequireServer();
        await using var fleet = await Fleet.StartAsync(redis, Instances, SickRatioBreaker, o => Shared(o, quorum: 2));

        var run = await OneSickInstanceAsync(fleet);

        Assert.Equal(Threshold, run.SickCallsBeforeOpening);
        Assert.Equal(CircuitOpenScope.Local, run.SickScope);
    }

    [Fact]
    public async Task OneSickInstance_Quorum1_HealthyInstancesAreOpenedByTheSickOne()
    {
        redis.RequireServer();
        await using var fleet = await Fleet.StartAsync(redis, Instances, SickRatioBreaker, o => Shared(o, quorum: 1));

        var run = await OneSickInstanceAsync(fleet);

        Report(run, quorum: 1);
        Assert.InRange(run.HealthyRejected, 1, run.HealthyCalls);
    }

    [Fact]
    public async Task HardOutage_Quorum2_TotalCallsStayWithinThresholdPlusOneFlushPerInstance()
    {
        redis.RequireServer();
        await using var fleet = await Fleet.StartAsync(redis, Instances, RatioBreaker, o => Shared(o, quorum: 2));

        var total = await HardOutageAsync(fleet);

        // As with quorum 1 (RedisSharedStateTests): at most 6 calls of each instance fall within one 125 ms interval.
        var bound = Threshold + (Instances * ((int)(Flush / Pace) + 1));
        TestContext.Current.TestOutputHelper?.WriteLine($"hard outage, quorum 2: {total} downstream calls (bound {bound})");
        Assert.InRange(total, Threshold / 2, bound);
        Assert.All(fleet.Instances, i => Assert.Equal(CircuitOpenScope.FleetWide, i.State.GetSnapshot().OpenScope));
    }

    [Fact]
    public void RedisCircuitStateOptions_Default_QuorumOfTwo()
    {
        Assert.Equal(2, new RedisCircuitStateOptions().MinimumFailingInstances);
    }

    [Fact]
    public async Task UseRedis_MinimumFailingInstancesZero_ThrowsNamingTheSettingAndTheRange()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=100");

        var error = Assert.Throws<ValidationException>(() =>
            new AttemptAwareCircuitBreakerStrategyOptions<int>().UseRedis(connection, o => o.MinimumFailingInstances = 0));

        Assert.Contains("MinimumFailingInstances is 0; the allowed range is 1 to 1000 (inclusive).", error.Message, StringComparison.Ordinal);
    }

    private static void RatioBreaker(AttemptAwareCircuitBreakerStrategyOptions<int> o)
    {
        o.MinimumThroughput = Threshold;
        o.FailureRatio = 0.5;
        o.BreakDuration = TimeSpan.FromMinutes(1);
    }

    private static void SickRatioBreaker(AttemptAwareCircuitBreakerStrategyOptions<int> o)
    {
        // Polly's default failure ratio: one instance of four failing every call is 25 % of the fleet's attempts.
        o.MinimumThroughput = Threshold;
        o.FailureRatio = 0.1;
        o.BreakDuration = TimeSpan.FromSeconds(1);
    }

    private static void Shared(RedisCircuitStateOptions o, int quorum)
    {
        o.FlushInterval = Flush;
        o.MinimumFailingInstances = quorum;
    }

    private static void Report(SickRun run, int quorum)
        => TestContext.Current.TestOutputHelper?.WriteLine(
            $"one sick instance of {Instances}, quorum {quorum}: healthy instances rejected {run.HealthyRejected} of {run.HealthyCalls} calls; " +
            $"the sick instance sent {run.SickCallsBeforeOpening} calls before its circuit opened ({run.SickScope})");

    private static async Task<SickRun> OneSickInstanceAsync(Fleet fleet)
    {
        // Instance 0 fails every call on its own; the downstream answers the other three.
        fleet.Downstream.Failing = false;
        var sick = fleet.Instances[0];
        var sickCalls = 0;
        var sickCallsBeforeOpening = -1;
        var sickScope = CircuitOpenScope.None;
        var healthyRejected = 0;
        await Task.WhenAll(fleet.Instances.Select(async instance =>
        {
            using var timer = new PeriodicTimer(Pace);
            for (var i = 0; i < CallsPerInstance && await timer.WaitForNextTickAsync(TestContext.Current.CancellationToken); i++)
            {
                if (instance == sick)
                {
                    await instance.CallAsync(d =>
                    {
                        Interlocked.Increment(ref sickCalls);
                        return d.CallAsync(fail: true);
                    });
                    if (sickCallsBeforeOpening < 0 && instance.State.CircuitState == CircuitState.Open)
                    {
                        (sickCallsBeforeOpening, sickScope) = (sickCalls, instance.State.GetSnapshot().OpenScope);
                    }
                }
                else if ((await instance.CallAsync()).Exception is BrokenCircuitException)
                {
                    Interlocked.Increment(ref healthyRejected);
                }
            }
        }));

        return new SickRun(healthyRejected, (Instances - 1) * CallsPerInstance, sickCallsBeforeOpening, sickScope);
    }

    private static async Task<int> HardOutageAsync(Fleet fleet)
    {
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

    private sealed record SickRun(int HealthyRejected, int HealthyCalls, int SickCallsBeforeOpening, CircuitOpenScope SickScope);
}
