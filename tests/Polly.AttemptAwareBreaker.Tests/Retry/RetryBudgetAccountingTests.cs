using Polly.AttemptAwareBreaker.Retry;

namespace Polly.AttemptAwareBreaker.Tests.Retry;

/// <summary>
/// The retry budget's arithmetic, driven directly on a fake clock: what first attempts earn, how long they back retries, and the
/// per-second allowance.
/// </summary>
public class RetryBudgetAccountingTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryWithdraw_TenFirstAttemptsAtHalfRatio_AllowsExactlyFiveRetries()
    {
        var budget = Budget(ratio: 0.5, perSecond: 0);
        for (var i = 0; i < 10; i++)
        {
            budget.OnFirstAttempt(_time.GetTimestamp());
        }

        Assert.Equal(5, Withdrawals(budget));
    }

    [Fact]
    public void TryWithdraw_FirstAttemptsOneWindowOld_NoLongerBackRetries()
    {
        var budget = Budget(ratio: 0.5, perSecond: 0);
        for (var i = 0; i < 10; i++)
        {
            budget.OnFirstAttempt(_time.GetTimestamp());
        }

        _time.Advance(Window);

        Assert.Equal(0, Withdrawals(budget));
    }

    [Fact]
    public void TryWithdraw_FirstAttemptsInsideWindow_StillBackRetries()
    {
        var budget = Budget(ratio: 0.5, perSecond: 0);
        for (var i = 0; i < 10; i++)
        {
            budget.OnFirstAttempt(_time.GetTimestamp());
        }

        _time.Advance(Window - TimeSpan.FromSeconds(1));

        Assert.Equal(5, Withdrawals(budget));
    }

    [Fact]
    public void TryWithdraw_FiveSecondsAfterTheFirstSecond_RefillsTwoPerSecond()
    {
        var budget = Budget(ratio: 0, perSecond: 2);
        Assert.Equal(2, Withdrawals(budget));

        // The first second's allowance is granted up front; the refill counts from the end of that second.
        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(10, Withdrawals(budget));
    }

    private RetryBudget Budget(double ratio, int perSecond)
        => new(new RetryBudgetOptions { RetryRatio = ratio, MinRetriesPerSecond = perSecond, Window = Window }, _time);

    private static int Withdrawals(RetryBudget budget)
    {
        var count = 0;
        while (count < 1_000 && budget.TryWithdraw())
        {
            count++;
        }

        return count;
    }
}
