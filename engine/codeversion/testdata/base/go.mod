module example.com/fix

go 1.26

require (
	example.com/other v1.0.0
	github.com/formed-dev/formed v0.0.0
)

replace github.com/formed-dev/formed => ../../../..
