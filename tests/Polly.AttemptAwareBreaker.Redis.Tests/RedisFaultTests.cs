using System.Diagnostics;
using Polly.AttemptAwareBreaker.Redis.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Redis.Tests;

/// <summary>
/// Redis faults under load: 4 instances × 16 concurrent callers (each calling every 25 ms, 2 s timeout per call) through a downstream in
/// hard outage (20 ms per call), with the default flush interval (100 ms) and probe timeout (250 ms), while the test's own redis-server is paused, restarted without its data, or drops its connections.
/// Every call must complete with an outcome a caller of the breaker expects, half-open probes must stay within
/// <c>HalfOpenMaxProbes</c> fleet-wide, and once Redis answers, the instances' fields must add up to their windows.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisFaultTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const int Instances = 4;
    private const int CallersPerInstance = 16;
    private const int MaxProbes = 2;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Flush = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task RedisPausedForTwoSeconds_EveryCallAnsweredProbesWithinTheMaxAndCountsAgreeAfterwards()
    {
        redis.RequireServer();

        var run = await UnderLoadAsync("paused 2 s", async fleet =>
        {
            await redis.PauseAsync();
            try
            {
                // The fault lasts 2 s: waiting it out is the fault, not a synchronisation.
                await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
            }
            finally
            {
                await redis.ResumeAsync();
            }
        });

        run.AssertHealthy();
    }

    [Fact]
    public async Task RedisRestartedWithoutItsDataMidOutage_EveryCallAnsweredProbesWithinTheMaxAndCountsAgreeAfterwards()
    {
        redis.RequireServer();

        var run = await UnderLoadAsync("restarted, data lost", _ => redis.RestartAsync());

        run.AssertHealthy();
    }

    [Fact]
    public async Task ConnectionsDroppedThreeTimes_EveryCallAnsweredProbesWithinTheMaxAndCountsAgreeAfterwards()
    {
        redis.RequireServer();

        var run = await UnderLoadAsync("connections dropped 3 times", async fleet =>
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.True(await redis.DropClientsAsync() >= Instances);
                await Fleet.UntilAsync(() => Connected(fleet), "every instance reconnects", 20);
            }
        });

        run.AssertHealthy();
    }

    private static bool Connected(Fleet fleet) => fleet.Instances.All(i => i.State.GetSnapshot().SharedState == SharedStateStatus.Connected);

    private async Task<FaultRun> UnderLoadAsync(string fault, Func<Fleet, Task> inject)
    {
        await using var observer = await Fleet.ConnectAsync(redis);
        await using var fleet = await Fleet.StartAsync(
            redis,
            Instances,
            o =>
            {
                o.MinimumThroughput = 20;
                o.FailureRatio = 0.5;
                o.BreakDuration = TimeSpan.FromMilliseconds(500);
                o.HalfOpenMaxProbes = MaxProbes;
            },
            o =>
            {
                o.FlushInterval = Flush;
                o.MinimumFailingInstances = 2;
                o.ProbeTimeout = ProbeTimeout;
            });
        fleet.Downstream.Latency = TimeSpan.FromMilliseconds(20);
        fleet.Downstream.Failing = true;

        var load = FleetLoad.Start(fleet, CallersPerInstance, Pace, CallTimeout);
        await Fleet.UntilAsync(
            () => fleet.Instances.All(i => i.State.GetSnapshot().OpenScope == CircuitOpenScope.FleetWide) && fleet.Downstream.InFlight == 0,
            "the fleet's circuit is open and the calls it admitted before have ended",
            10);

        // From now until the downstream recovers, every call that reaches it is a half-open probe.
        fleet.Downstream.ResetMaxInFlight();
        await inject(fleet);
        await Fleet.UntilAsync(() => Connected(fleet), "every instance is connected again", 20);

        // A few half-open rounds after the fault (each admits up to MaxProbes probes, which fail and open the circuit again).
        var probed = fleet.Downstream.Calls;
        await Fleet.UntilAsync(() => fleet.Downstream.Calls >= probed + (3 * MaxProbes), "the fleet probes again", 20);
        var probes = fleet.Downstream.MaxInFlight;

        fleet.Downstream.Failing = false;
        await Fleet.UntilAsync(() => fleet.Instances.All(i => i.State.CircuitState == CircuitState.Closed), "the fleet recovers", 20);
        var lost = await load.StopAsync(CallTimeout + TimeSpan.FromSeconds(5));

        // The instances' windows no longer change (nothing calls, nothing leaves the 30 s window): Redis catches up at their next flush.
        var stopped = Stopwatch.StartNew();
        await Fleet.UntilAsync(
            async () =>
            {
                var stored = await FleetRecords.SumAsync(observer, fleet);
                var windows = fleet.Instances.Select(i => i.State.GetSnapshot().WindowAttempts).ToList();
                return stored == (windows.Sum(w => w.Successes), windows.Sum(w => w.Failures), Instances);
            },
            "Redis holds every instance's window",
            5);
        var agreedAfter = stopped.Elapsed;

        var run = new FaultRun(fault, load, lost, probes, agreedAfter);
        TestContext.Current.TestOutputHelper?.WriteLine(run.ToString());
        return run;
    }

    private sealed record FaultRun(string Fault, FleetLoad Load, long Lost, int Probes, TimeSpan AgreedAfter)
    {
        public void AssertHealthy()
        {
            Assert.Empty(Load.Unexpected);
            Assert.Equal(0, Lost);
            Assert.Equal(0, Load.TimedOut);
            Assert.True(Load.WorstLatency < CallTimeout, $"worst latency {Load.WorstLatency}");
            Assert.InRange(Probes, 1, MaxProbes);
        }

        public override string ToString()
            => $"Redis {Fault}: {Load} (probe timeout {ProbeTimeout.TotalMilliseconds:F0} ms); at most {Probes} probes at once (max {MaxProbes}); " +
               $"Redis agreed with the windows {AgreedAfter.TotalMilliseconds:F0} ms after the calls stopped (flush interval {Flush.TotalMilliseconds:F0} ms)";
    }
}
