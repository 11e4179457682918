using Orbital.KitchenBatch.Apis;
using Orbital.KitchenBatch.Extensions;
using Orbital.KitchenBatch.Grpc;
using Orbital.KitchenBatch.Security;
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
app.MapKitchenEventsApi();
app.MapDevicesApi();
app.MapGrpcService<OrderIntakeService>();

app.Run();
