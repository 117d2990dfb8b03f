using System.Net;

namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>
/// What happened when a sick and a healthy caller sent their requests in turn: sick, healthy, sick, healthy, …
/// </summary>
/// <param name="HealthyAnswered">The healthy caller's requests answered 200.</param>
/// <param name="HealthyRejected">The healthy caller's requests rejected with <see cref="BrokenCircuitException"/>.</param>
/// <param name="SickRejected">The sick caller's requests rejected with <see cref="BrokenCircuitException"/>.</param>
/// <param name="SickCallsBeforeRejection">The requests that had reached the sick downstream when the sick caller was first rejected.</param>
internal sealed record InterleavedRequests(int HealthyAnswered, int HealthyRejected, int SickRejected, int? SickCallsBeforeRejection)
{
    public const int PerCaller = 40;

    public static async Task<InterleavedRequests> RunAsync(
        KestrelDownstream sickDownstream,
        Func<CancellationToken, Task<HttpResponseMessage>> sick,
        Func<CancellationToken, Task<HttpResponseMessage>> healthy)
    {
        var cancel = TestContext.Current.CancellationToken;
        int healthyAnswered = 0, healthyRejected = 0, sickRejected = 0;
        int? sickCallsBeforeRejection = null;
        for (var i = 0; i < PerCaller; i++)
        {
            try
            {
                using var response = await sick(cancel);
            }
            catch (BrokenCircuitException)
            {
                sickRejected++;
                sickCallsBeforeRejection ??= sickDownstream.Requests;
            }

            try
            {
                using var response = await healthy(cancel);
                healthyAnswered += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            }
            catch (BrokenCircuitException)
            {
                healthyRejected++;
            }
        }

        return new InterleavedRequests(healthyAnswered, healthyRejected, sickRejected, sickCallsBeforeRejection);
    }

    public static Task<InterleavedRequests> RunAsync(KestrelDownstream sickDownstream, HttpClient sick, HttpClient healthy)
        => RunAsync(sickDownstream, cancel => sick.GetAsync("/", cancel), cancel => healthy.GetAsync("/", cancel));
}
