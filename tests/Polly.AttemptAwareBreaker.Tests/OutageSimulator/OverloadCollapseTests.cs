using System.Net;
using Microsoft.Extensions.Time.Testing;
using Polly.AttemptAwareBreaker.OutageSimulator;

namespace Polly.AttemptAwareBreaker.Tests.OutageSimulator;

/// <summary>The downstream with linear overload collapse: R attempts per second against a capacity C get min(R, max(0, 2C − R)) successes.</summary>
public class OverloadCollapseTests
{
    [Theory]
    [InlineData(0, 50, 1.0)]
    [InlineData(40, 50, 1.0)]
    [InlineData(50, 50, 1.0)]
    [InlineData(80, 50, 0.25)]
    [InlineData(100, 50, 0.0)]
    [InlineData(150, 50, 0.0)]
    [InlineData(10, 0, 0.0)]
    public void SuccessShare_AttemptsPerSecondAgainstCapacity_FollowsTheLinearCollapse(double attemptsPerSecond, double capacity, double expected)
        => Assert.Equal(expected, OverloadCollapse.SuccessShare(attemptsPerSecond, capacity), precision: 9);

    [Theory]
    [InlineData(40, 40)]
    [InlineData(50, 50)]
    [InlineData(80, 20)]
    [InlineData(100, 0)]
    public async Task Answer_SteadyLoad_TheCollapseRuleSuccessesEverySecond(int perSecond, int expectedSuccesses)
    {
        var time = new FakeTimeProvider();
        var downstream = new SimulatedDownstream(time, _ => HttpStatusCode.OK);
        _ = new OverloadCollapse(downstream, _ => 50);
        var successesBySecond = new int[4];

        // Four seconds of calls evenly spread; the first second fills the one-second window the rate is measured over.
        for (var second = 0; second < 4; second++)
        {
            for (var i = 0; i < perSecond; i++)
            {
                using var answer = await downstream.SendAsync(TestContext.Current.CancellationToken);
                successesBySecond[second] += answer.IsSuccessStatusCode ? 1 : 0;
                time.Advance(TimeSpan.FromSeconds(1.0 / perSecond));
            }
        }

        // The shares add up in a credit, so a second may end with a success just before or just after its boundary.
        Assert.All(successesBySecond[1..], successes => Assert.InRange(successes, expectedSuccesses - 1, expectedSuccesses + 1));
    }

    [Fact]
    public async Task Answer_CapacityZero_Is503()
    {
        var time = new FakeTimeProvider();
        var downstream = new SimulatedDownstream(time, _ => HttpStatusCode.OK);
        _ = new OverloadCollapse(downstream, _ => 0);

        using var answer = await downstream.SendAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
    }
}
