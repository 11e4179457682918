using Orbital.KitchenBatch;
using Orbital.KitchenBatch.Analytics;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Devices;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Intake;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Production;
using Orbital.KitchenBatch.Schedule;
using Orbital.KitchenBatch.Screens;
using Orbital.KitchenBatch.Stations;
using Orbital.KitchenBatch.Surplus;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSecurityHeaders();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseApiBodyLimit();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference();
}

app.MapPing("kitchen-batch");
app.MapStationsApi();
app.MapBatchItemsApi();
app.MapOrdersApi();
app.MapSurplusApi();
app.MapProductionApi();
app.MapScheduleApi();
app.MapAnalyticsApi();
app.MapKitchenEventsApi();
app.MapDevicesApi();
app.MapGrpcService<OrderIntakeService>();

app.Run();
