// Starts Swagger UI on the element #swagger-ui with the OpenAPI document named by its
// data-spec attribute (an external script: the site's CSP allows no inline ones).
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: element.getAttribute("data-spec"),
    dom_id: "#swagger-ui",
    deepLinking: true,
  });
});
